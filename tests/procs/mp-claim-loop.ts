/**
 * argv: <db> [busyTimeoutMs]. Opens the db, says ready, waits for "go", then loops
 * claimNext → complete until nothing is left, retrying typed busy errors. Reports every id it claimed and how many typed busy errors it retried.
 */
import { openKernel } from "../../server/kernel/index";
import { main, retryBusy, say, stopReading, waitLine } from "./mp-common";

main(async () => {
  const [file, busyMs] = process.argv.slice(2);
  const k = openKernel(file);
  // Lowered after opening (opening itself takes the write lock once; see the open test).
  if (busyMs) k.db.pragma(`busy_timeout = ${Number(busyMs)}`);
  say({ ready: true });
  await waitLine("go");
  stopReading();
  const counter = { busy: 0 };
  const claimed: string[] = [];
  const t0 = Date.now();
  for (;;) {
    const c = retryBusy(() => k.claimNext(), counter, 1_000_000);
    if (!c) break;
    claimed.push(c.task.id);
    retryBusy(() => k.complete(c.task.id, { runId: c.run_id, summary: `done by ${process.pid}` }), counter, 1_000_000);
  }
  k.close();
  say({ done: true, claimed, busyRetries: counter.busy, ms: Date.now() - t0 });
});
