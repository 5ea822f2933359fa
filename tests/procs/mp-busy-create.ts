/**
 * argv: <db> <title>. Opens the db with a 200 ms busy timeout, says ready, waits for "go", tries
 * one create (expected: typed busy error while the parent holds the write lock), reports it,
 * then waits for "go2" and tries again (expected to succeed once the lock is released).
 */
import { openKernel } from "../../server/kernel/index";
import { describe, main, say, stopReading, waitLine } from "./mp-common";

main(async () => {
  const [file, title] = process.argv.slice(2);
  const k = openKernel(file, {}, { busyTimeoutMs: 200 });
  say({ ready: true });
  for (const [phase, gate] of [["first", "go"], ["second", "go2"]] as const) {
    await waitLine(gate);
    const t0 = Date.now();
    try {
      const r = k.create({ title });
      say({ phase, ok: true, id: r.task.id, ms: Date.now() - t0 });
    } catch (e) {
      say({ phase, ok: false, error: describe(e), ms: Date.now() - t0 });
    }
  }
  stopReading();
  k.close();
});
