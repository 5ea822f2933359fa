/**
 * argv: <db> <task id>. Opens the db, says ready, waits for "go", then tries kernel.claim(id)
 * once (retrying only typed busy errors) and reports whether it won.
 */
import { openKernel } from "../../server/kernel/index";
import { describe, main, retryBusy, say, stopReading, waitLine } from "./mp-common";

main(async () => {
  const [file, id] = process.argv.slice(2);
  const k = openKernel(file);
  say({ ready: true });
  await waitLine("go");
  stopReading();
  const counter = { busy: 0 };
  try {
    const r = retryBusy(() => k.claim(id, { workerPid: process.pid }), counter);
    say({ done: true, won: true, run_id: r.run_id, lock: r.lock, busyRetries: counter.busy });
  } catch (e) {
    say({ done: true, won: false, error: describe(e), busyRetries: counter.busy });
  }
  k.close();
});
