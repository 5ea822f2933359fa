/**
 * Pure transition rules (SPEC §4.1): which statuses each operation may start from, and where a
 * direct status move goes. No I/O here; table-driven tests cover every (status × operation).
 */
import { conflict } from "./errors";
import type { Status } from "./types";

export type Operation =
  | "claim" | "heartbeat" | "complete" | "block" | "unblock" | "assign" | "reclaim"
  | "archive" | "delete" | "edit" | "comment" | "link" | "spawned";

const ALL: readonly Status[] = ["triage", "todo", "scheduled", "ready", "running", "blocked", "review", "done", "archived"];

export const ALLOWED_FROM: Record<Operation, readonly Status[]> = {
  claim: ["ready"],
  heartbeat: ["running"],
  spawned: ["running"],
  complete: ["running", "ready", "blocked", "review"],
  block: ["triage", "todo", "scheduled", "ready", "running", "review"],
  // `todo` only for a sticky dependency block; the command checks that part.
  unblock: ["blocked", "scheduled", "todo"],
  assign: ALL,
  reclaim: ["running"],
  archive: ["triage", "todo", "scheduled", "ready", "running", "blocked", "review", "done"],
  delete: ALL,
  edit: ALL,
  comment: ALL,
  link: ALL,
};

export function isAllowed(op: Operation, from: Status): boolean {
  return ALLOWED_FROM[op].includes(from);
}

export function assertAllowed(op: Operation, from: string, taskId: string): void {
  if (!isAllowed(op, from as Status)) {
    throw conflict(`cannot ${op} ${taskId}: it is ${from}`, { task_id: taskId, status: from, operation: op });
  }
}

/**
 * What a direct status move (board drag / PATCH status) means (SPEC §4.1 "direct status moves").
 * - "write": set the status directly (todo/triage/review/scheduled)
 * - "ready": unblock when blocked/scheduled, else check parents
 * - "complete" / "block" / "archive": run that operation
 * - "refuse": with a reason
 */
export type MovePlan =
  | { kind: "noop" }
  | { kind: "write" }
  | { kind: "ready" }
  | { kind: "complete" }
  | { kind: "block" }
  | { kind: "archive" }
  | { kind: "refuse"; reason: string };

export function planMove(from: Status, to: Status): MovePlan {
  if (from === to) return { kind: "noop" };
  if (to === "running") return { kind: "refuse", reason: "only a claim starts a run; a task cannot be moved to running" };
  if (to === "done") return isAllowed("complete", from) ? { kind: "complete" } : { kind: "refuse", reason: `a ${from} task cannot be completed` };
  if (to === "blocked") return isAllowed("block", from) ? { kind: "block" } : { kind: "refuse", reason: `a ${from} task cannot be blocked` };
  if (to === "archived") return { kind: "archive" };
  if (from === "running") {
    return { kind: "refuse", reason: "the task is running; reclaim it first (or complete, block or archive it)" };
  }
  if (to === "ready") return { kind: "ready" };
  return { kind: "write" };
}
