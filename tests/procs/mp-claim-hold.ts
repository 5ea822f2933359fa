/**
 * argv: <db> <task id> <mode>. Claims the task as its own worker (workerPid = this pid), says
 * "claimed", then either sleeps until killed (mode "sleep") or exits with a code without
 * completing or blocking (mode "exit:<code>").
 */
import { openKernel } from "../../server/kernel/index";
import { main, say } from "./mp-common";

main(() => {
  const [file, id, mode] = process.argv.slice(2);
  const k = openKernel(file);
  const r = k.claim(id, { workerPid: process.pid });
  k.close();
  const line = JSON.stringify({ pid: process.pid, claimed: true, run_id: r.run_id, lock: r.lock }) + "\n";
  if (mode === "sleep") {
    process.stdout.write(line);
    setInterval(() => {}, 60_000);
    return;
  }
  const m = /^exit:(\d+)$/.exec(mode ?? "");
  if (!m) throw new Error(`unknown mode ${mode}`);
  process.stdout.write(line, () => process.exit(Number(m[1])));
});
