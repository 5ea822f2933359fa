/**
 * blockTask / unblockTask (SPEC §4.1 block, unblock).
 *
 * block(reason, kind): kinds needs_input | capability | transient | dependency (or none).
 * `dependency` → todo (event `dependency_wait`); otherwise → blocked (event `blocked`). The same
 * non-dependency kind twice in a row → triage (`blocked` + `block_loop_detected`). Closes the open
 * run `blocked`. Explicit blocks are sticky: never auto-promoted.
 * unblock: blocked | scheduled | sticky todo → ready (todo when a parent is undone); resets
 * failures. Events: `unblocked`.
 */
import type { KernelContext } from "./context";
import { conflict, validation } from "./errors";
import {
  emit, requireTask, closeCurrentRun, getTaskRow, undoneParents, isStickyTodo, CLEAR_CLAIM_SQL, truncate, promoteIfReady,
} from "./internal";
import { assertAllowed } from "./rules";
import { checkFence, type Fence } from "./claim";
import { BLOCK_KINDS, toTask, type BlockKind, type Task } from "./types";
import { requireText } from "./validate";

export interface BlockInput extends Fence {
  reason: string;
  kind?: string | null;
}

export function blockTask(k: KernelContext, id: string, input: BlockInput): Task {
  const reason = requireText("reason", input.reason, 20_000);
  const kind = (input.kind ?? null) as BlockKind | null;
  if (kind !== null && !BLOCK_KINDS.includes(kind)) {
    throw validation(`block kind must be one of ${BLOCK_KINDS.join(", ")}, got "${input.kind}"`);
  }
  return k.tx(() => {
    const t = requireTask(k, id);
    checkFence(t, input, "block");
    assertAllowed("block", t.status, id);
    const runId = closeCurrentRun(k, t, { outcome: "blocked", summary: truncate(reason, 2000), error: truncate(reason, 500) });
    if (kind === "dependency") {
      k.stmt(`UPDATE tasks SET status = 'todo', block_kind = 'dependency', ${CLEAR_CLAIM_SQL} WHERE id = ?`).run(id);
      emit(k, id, "dependency_wait", { reason }, runId);
      // With parents that are all done already, there is nothing left to wait for.
      promoteIfReady(k, getTaskRow(k, id)!);
      return toTask(getTaskRow(k, id)!);
    }
    const loop = kind !== null && t.block_kind === kind;
    const recurrences = loop ? t.block_recurrences + 1 : t.block_recurrences;
    const status = loop ? "triage" : "blocked";
    k.stmt(`UPDATE tasks SET status = ?, block_kind = ?, block_recurrences = ?, ${CLEAR_CLAIM_SQL} WHERE id = ?`).run(
      status, kind, recurrences, id,
    );
    emit(k, id, "blocked", { reason, kind, recurrences }, runId);
    if (loop) emit(k, id, "block_loop_detected", { kind, recurrences, reason }, runId);
    return toTask(getTaskRow(k, id)!);
  });
}

export function unblockTask(k: KernelContext, id: string): Task {
  return k.tx(() => {
    const t = requireTask(k, id);
    assertAllowed("unblock", t.status, id);
    if (t.status === "todo" && !isStickyTodo(k, t)) {
      throw conflict(`cannot unblock ${id}: it is todo waiting on its parents, not blocked`);
    }
    const to = undoneParents(k, id).length ? "todo" : "ready";
    // block_kind stays (loop detection needs it, SPEC §4.1) unless a dependency wait is released:
    // keeping that one would make the task sticky again the next time it sits in todo.
    k.stmt(
      `UPDATE tasks SET status = ?, consecutive_failures = 0, scheduled_at = CASE WHEN status = 'scheduled' THEN NULL ELSE scheduled_at END,
         block_kind = CASE WHEN block_kind IN ('dependency', 'circuit_breaker') THEN NULL ELSE block_kind END WHERE id = ?`,
    ).run(to, id);
    emit(k, id, "unblocked", { status: to });
    return toTask(getTaskRow(k, id)!);
  });
}
