/**
 * argv: <db>. Opens the db with a 200 ms busy timeout and reports whether that worked, and if not
 * what was thrown (used while another process holds the write lock).
 */
import { openKernel } from "../../server/kernel/index";
import { describe, main, say } from "./mp-common";

main(() => {
  const [file] = process.argv.slice(2);
  const t0 = Date.now();
  try {
    const k = openKernel(file, {}, { busyTimeoutMs: 200 });
    const n = (k.db.prepare("SELECT COUNT(*) AS n FROM tasks").get() as { n: number }).n;
    k.close();
    say({ opened: true, tasks: n, ms: Date.now() - t0 });
  } catch (e) {
    say({ opened: false, error: describe(e), ms: Date.now() - t0 });
  }
});
