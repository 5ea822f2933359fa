/**
 * argv: <db> <title> <idempotency_key>. Opens the db, says ready, waits for "go", then creates
 * the task with the key (retrying typed busy errors) and reports the id it got.
 */
import { openKernel } from "../../server/kernel/index";
import { main, retryBusy, say, stopReading, waitLine } from "./mp-common";

main(async () => {
  const [file, title, key] = process.argv.slice(2);
  const k = openKernel(file);
  say({ ready: true });
  await waitLine("go");
  stopReading();
  const counter = { busy: 0 };
  const r = retryBusy(() => k.create({ title, idempotency_key: key }), counter);
  k.close();
  say({ done: true, id: r.task.id, created: r.created, busyRetries: counter.busy });
});
