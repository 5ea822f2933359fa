/**
 * argv: <db>. A second dispatcher: opens the db with crash grace 0, says ready, waits for "go",
 * runs one crash-detection pass and reports what it did (a busy error
 * mid-pass would lose the report of earlier actions, so it is fatal here; the default 5 s busy
 * timeout makes it practically impossible).
 */
import { openKernel } from "../../server/kernel/index";
import { main, say, stopReading, waitLine } from "./mp-common";

main(async () => {
  const [file] = process.argv.slice(2);
  const k = openKernel(file, { config: { crashGraceSeconds: 0 } });
  say({ ready: true });
  await waitLine("go");
  stopReading();
  const actions = k.detectCrashedWorkers();
  k.close();
  say({ done: true, actions });
});
