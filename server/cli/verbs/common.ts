import type { CliContext } from "../context";
import { isKanbanError } from "../../kernel/errors";

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
