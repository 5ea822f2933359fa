import type { CliContext } from "../context";
import { isKanbanError } from "../../kernel/errors";
import { LinuxProcessControl } from "../../kernel/process-control";

/** Exit code 1 from a verb that already reported its failures on stderr. */
export class ReportedFailure extends Error {
  constructor() {
    super("reported");
  }
}

/**
 * Applies `fn` to each id; a refusal of one id is reported as one stderr line naming it, and the
 * others still run. Ends with exit 1 when any failed.
 */
export function forEachId(ctx: CliContext, verb: string, ids: string[], fn: (id: string) => void): void {
  let failed = 0;
  for (const id of ids) {
    try {
      fn(id);
    } catch (e) {
      if (!isKanbanError(e)) throw e;
      failed++;
      ctx.out.err(`kanban ${verb}: ${e.message}\n`);
    }
  }
  if (failed) throw new ReportedFailure();
}

/**
 * The kernel sends SIGTERM to a worker's process group and arms a SIGKILL 5 s later, but a CLI
 * call exits long before that timer fires. So the CLI waits (up to the grace) for the group to
 * go, and SIGKILLs whatever is left: no process of a reclaimed tree survives.
 */
export async function finishTermination(pid: number | null, graceMs = 5000): Promise<void> {
  if (pid == null) return;
  const proc = new LinuxProcessControl();
  const alive = () => proc.groupAlive(pid);
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive()) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      /* gone meanwhile */
    }
  }
}
