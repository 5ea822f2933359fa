/**
 * moveTask: a direct status move from the board (drag) or PATCH (SPEC §4.1 "direct status moves").
 * to todo/triage/review/scheduled: written directly (event `status`); to ready: unblocks, or checks
 * every parent is done (else conflict naming the blocking parents); to done: completes (summary
 * required); to blocked: blocks (reason required); to archived: archives; to running: refused.
 * Moving a done task anywhere else reopens it: its ready children drop back to todo.
 */
import type { KernelContext } from "./context";
import { conflict, validation } from "./errors";
import { emit, requireTask, getTaskRow, undoneParents, demoteReadyChildren, promoteIfReady } from "./internal";
import { planMove } from "./rules";
import { STATUSES, toTask, type Status, type Task } from "./types";
import { completeTask } from "./complete";
import { blockTask, unblockTask } from "./block";
import { archiveTask } from "./archive";
import { optionalText } from "./validate";

export interface MoveInput {
  status: string;
  /** Required when moving to done. */
  summary?: string | null;
  /** Required when moving to blocked. */
  reason?: string | null;
  kind?: string | null;
  /** Optional note recorded on the `status` event. */
  note?: string | null;
}

export function moveTask(k: KernelContext, id: string, input: MoveInput): Task {
  const to = input.status as Status;
  if (!STATUSES.includes(to)) throw validation(`status must be one of ${STATUSES.join(", ")}, got "${input.status}"`);
  const note = optionalText("note", input.note, 2000);
  return k.tx(() => {
    const t = requireTask(k, id);
    const from = t.status as Status;
    const plan = planMove(from, to);
    switch (plan.kind) {
      case "noop":
        return toTask(t);
      case "refuse":
        throw conflict(`cannot move ${id} from ${from} to ${to}: ${plan.reason}`, { from, to });
      case "complete": {
        if (input.summary == null || input.summary.trim() === "") throw validation("moving a task to done needs a summary");
        return completeTask(k, id, { summary: input.summary }).task;
      }
      case "block": {
        if (input.reason == null || input.reason.trim() === "") throw validation("moving a task to blocked needs a reason");
        return blockTask(k, id, { reason: input.reason, kind: input.kind ?? null });
      }
      case "archive":
        return archiveTask(k, id).task;
      case "ready": {
        if (from === "blocked" || from === "scheduled") {
          const u = unblockTask(k, id);
          if (u.status !== "ready") throw conflict(`cannot move ${id} to ready: waiting on ${undoneParents(k, id).join(", ")}`);
          return u;
        }
        const waiting = undoneParents(k, id);
        if (waiting.length) {
          throw conflict(`cannot move ${id} to ready: it waits on parent${waiting.length > 1 ? "s" : ""} ${waiting.join(", ")}`, {
            blocking_parents: waiting,
          });
        }
        writeStatus(k, id, from, "ready", note);
        return toTask(getTaskRow(k, id)!);
      }
      case "write": {
        if (to === "scheduled" && !(t.scheduled_at != null && t.scheduled_at > k.now())) {
          throw validation(`cannot move ${id} to scheduled: set a future scheduled_at first`);
        }
        writeStatus(k, id, from, to, note);
        // todo means "waiting on parents": with nothing to wait on it is promoted at once (§3.2 #5).
        promoteIfReady(k, getTaskRow(k, id)!);
        return toTask(getTaskRow(k, id)!);
      }
    }
  });
}

function writeStatus(k: KernelContext, id: string, from: Status, to: Status, note: string | null): void {
  // Leaving done/archived clears completion so the task reads as open again.
  k.stmt(
    `UPDATE tasks SET status = ?, completed_at = CASE WHEN ? THEN NULL ELSE completed_at END,
       block_kind = CASE WHEN status = 'blocked' THEN NULL ELSE block_kind END WHERE id = ?`,
  ).run(to, from === "done" || from === "archived" ? 1 : 0, id);
  emit(k, id, "status", note ? { status: to, from, reason: note } : { status: to, from });
  if (from === "done" || from === "archived") demoteReadyChildren(k, id);
}
