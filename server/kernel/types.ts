/** Public shapes the kernel returns (column names of SPEC §3.1; `skills` as an array). */
import type { TaskRow, RunRow, EventRow, CommentRow } from "../../db/schema";

export const STATUSES = ["triage", "todo", "scheduled", "ready", "running", "blocked", "review", "done", "archived"] as const;
export type Status = (typeof STATUSES)[number];

export const BLOCK_KINDS = ["needs_input", "capability", "transient", "dependency"] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];
/** Internal block kind the circuit breaker writes; such a block is auto-recoverable (SPEC §4.3). */
export const BREAKER_BLOCK_KIND = "circuit_breaker";

export const RUN_OUTCOMES = [
  "completed", "blocked", "crashed", "rate_limited", "timed_out", "stale", "spawn_failed", "gave_up", "reclaimed",
] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export const WORKSPACE_KINDS = ["scratch", "dir", "worktree"] as const;
export type WorkspaceKind = (typeof WORKSPACE_KINDS)[number];

export type Task = Omit<TaskRow, "skills"> & { skills: string[] };
export type Run = Omit<RunRow, "metadata"> & { metadata: unknown };
export type KanbanEvent = Omit<EventRow, "payload"> & { payload: Record<string, unknown> | null };
export type Comment = CommentRow;

export function parseJson(text: string | null | undefined): unknown {
  if (text == null || text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text; // Hermes rows may hold plain text; show it as-is rather than failing a read.
  }
}

export function toTask(row: TaskRow): Task {
  const parsed = parseJson(row.skills);
  return { ...row, skills: Array.isArray(parsed) ? parsed.map(String) : [] };
}

export function toRun(row: RunRow): Run {
  return { ...row, metadata: parseJson(row.metadata) };
}

export function toEvent(row: EventRow): KanbanEvent {
  const p = parseJson(row.payload);
  return { ...row, payload: p && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, unknown>) : p == null ? null : { value: p } };
}

/** Run `status` column values Hermes understands, by outcome. */
export function runStatusFor(outcome: RunOutcome): string {
  switch (outcome) {
    case "completed":
      return "done";
    case "blocked":
      return "blocked";
    case "crashed":
      return "crashed";
    case "timed_out":
      return "timed_out";
    case "spawn_failed":
    case "gave_up":
      return "failed";
    default:
      return "released";
  }
}
