/**
 * Building blocks shared by kernel commands. Every function here must be called inside
 * `k.tx(...)`; none opens its own transaction.
 */
import type { TaskRow, RunRow } from "../../db/schema";
import type { KernelContext } from "./context";
import { notFound } from "./errors";
import { runStatusFor, BREAKER_BLOCK_KIND, type RunOutcome } from "./types";

export const DONE_LIKE = "('done','archived')";

export function getTaskRow(k: KernelContext, id: string): TaskRow | undefined {
  return k.stmt("SELECT * FROM tasks WHERE id = ?").get(id) as TaskRow | undefined;
}

export function requireTask(k: KernelContext, id: string): TaskRow {
  const row = getTaskRow(k, id);
  if (!row) throw notFound(`task ${id}`);
  return row;
}

export function getRunRow(k: KernelContext, id: number): RunRow | undefined {
  return k.stmt("SELECT * FROM task_runs WHERE id = ?").get(id) as RunRow | undefined;
}

/** Appends one event (SPEC §5). Returns its id, the global cursor. */
export function emit(
  k: KernelContext,
  taskId: string,
  kind: string,
  payload: Record<string, unknown> | null = null,
  runId: number | null = null,
): number {
  const r = k
    .stmt("INSERT INTO task_events (task_id, run_id, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)")
    .run(taskId, runId, kind, payload === null ? null : JSON.stringify(payload), k.now());
  return Number(r.lastInsertRowid);
}

/** Ids of the task's parents that are not done/archived. */
export function undoneParents(k: KernelContext, childId: string): string[] {
  return (
    k
      .stmt(
        `SELECT l.parent_id AS id FROM task_links l JOIN tasks p ON p.id = l.parent_id
         WHERE l.child_id = ? AND p.status NOT IN ${DONE_LIKE} ORDER BY l.parent_id`,
      )
      .all(childId) as { id: string }[]
  ).map((r) => r.id);
}

export function parentCount(k: KernelContext, childId: string): number {
  return (k.stmt("SELECT COUNT(*) AS n FROM task_links WHERE child_id = ?").get(childId) as { n: number }).n;
}

export function childIds(k: KernelContext, parentId: string): string[] {
  return (k.stmt("SELECT child_id AS id FROM task_links WHERE parent_id = ?").all(parentId) as { id: string }[]).map(
    (r) => r.id,
  );
}

/** The failure limit for a task: its own max_retries, else config, else 2. */
export function failureLimitFor(k: KernelContext, task: Pick<TaskRow, "max_retries">): number {
  return task.max_retries ?? k.config.failureLimit ?? 2;
}

/**
 * A todo task stays put while explicitly parked by a `dependency` block that names no parent
 * (nothing modelled to wait on; only a human or `unblock` releases it). See docs/state-machine.md.
 */
export function isStickyTodo(k: KernelContext, t: Pick<TaskRow, "id" | "status" | "block_kind">): boolean {
  return t.status === "todo" && t.block_kind === "dependency" && parentCount(k, t.id) === 0;
}

/**
 * Promotes one task if it is waiting and nothing holds it any more (SPEC §4.3):
 * todo with every parent done/archived (unless sticky), a due scheduled task, or a breaker block
 * that is below the task's limit again. Returns true when it promoted.
 */
export function promoteIfReady(k: KernelContext, t: TaskRow): boolean {
  const now = k.now();
  if (t.status === "todo") {
    if (isStickyTodo(k, t) || undoneParents(k, t.id).length > 0) return false;
  } else if (t.status === "scheduled") {
    if (t.scheduled_at != null && t.scheduled_at > now) return false;
    if (undoneParents(k, t.id).length > 0) {
      k.stmt("UPDATE tasks SET status = 'todo' WHERE id = ?").run(t.id);
      emit(k, t.id, "status", { status: "todo", reason: "scheduled time reached; waiting on parents" });
      return false;
    }
  } else if (t.status === "blocked") {
    if (t.block_kind !== BREAKER_BLOCK_KIND || t.consecutive_failures >= failureLimitFor(k, t)) return false;
    if (undoneParents(k, t.id).length > 0) return false;
  } else {
    return false;
  }
  k.stmt("UPDATE tasks SET status = 'ready', block_kind = CASE WHEN block_kind = ? THEN NULL ELSE block_kind END WHERE id = ?").run(
    BREAKER_BLOCK_KIND,
    t.id,
  );
  emit(k, t.id, "promoted", { from: t.status });
  return true;
}

/** Promotes the children of one task: completing a task never scans the whole board. */
export function promoteChildren(k: KernelContext, parentId: string): string[] {
  const promoted: string[] = [];
  for (const id of childIds(k, parentId)) {
    const child = getTaskRow(k, id);
    if (child && promoteIfReady(k, child)) promoted.push(id);
  }
  return promoted;
}

/** Reopening a parent: its ready children go back to todo (SPEC §4.1). */
export function demoteReadyChildren(k: KernelContext, parentId: string): void {
  for (const id of childIds(k, parentId)) {
    const child = getTaskRow(k, id);
    if (child?.status === "ready") {
      k.stmt("UPDATE tasks SET status = 'todo' WHERE id = ?").run(id);
      emit(k, id, "status", { status: "todo", reason: `parent ${parentId} reopened` });
    }
  }
}

export interface CloseRunFields {
  outcome: RunOutcome;
  summary?: string | null;
  metadata?: string | null;
  error?: string | null;
}

/** Closes the task's open run (if any) with an outcome. Returns the closed run id or null. */
export function closeCurrentRun(k: KernelContext, task: TaskRow, f: CloseRunFields): number | null {
  const runId = task.current_run_id;
  if (runId == null) return null;
  const run = getRunRow(k, runId);
  if (!run || run.ended_at != null) return null;
  const now = Math.max(k.now(), run.started_at);
  k.stmt(
    `UPDATE task_runs SET status = ?, outcome = ?, ended_at = ?, summary = COALESCE(?, summary),
       metadata = COALESCE(?, metadata), error = COALESCE(?, error), claim_lock = NULL
     WHERE id = ? AND ended_at IS NULL`,
  ).run(runStatusFor(f.outcome), f.outcome, now, f.summary ?? null, f.metadata ?? null, f.error ?? null, runId);
  return runId;
}

/** Clears every claim field of a task (it is leaving `running`). */
export const CLEAR_CLAIM_SQL =
  "claim_lock = NULL, claim_expires = NULL, worker_pid = NULL, current_run_id = NULL";

export function truncate(s: string | null | undefined, n: number): string | null {
  if (s == null) return null;
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

/**
 * Records one failure (spawn failure, timeout, crash) on a task whose run was already closed,
 * and trips the circuit breaker at the limit (SPEC §4.2). The task goes to ready, or to blocked
 * with `gave_up`.
 */
export function recordFailure(
  k: KernelContext,
  taskId: string,
  trigger: RunOutcome,
  error: string,
  runId: number | null,
): { gaveUp: boolean; failures: number } {
  const t = getTaskRow(k, taskId)!;
  const failures = t.consecutive_failures + 1;
  const limit = failureLimitFor(k, t);
  const err = truncate(error, 500);
  if (failures >= limit) {
    k.stmt(
      `UPDATE tasks SET status = 'blocked', block_kind = ?, consecutive_failures = ?, last_failure_error = ?, ${CLEAR_CLAIM_SQL} WHERE id = ?`,
    ).run(BREAKER_BLOCK_KIND, failures, err, taskId);
    emit(k, taskId, "gave_up", { failures, limit, error: err, trigger }, runId);
    return { gaveUp: true, failures };
  }
  k.stmt(
    `UPDATE tasks SET status = 'ready', consecutive_failures = ?, last_failure_error = ?, ${CLEAR_CLAIM_SQL} WHERE id = ?`,
  ).run(failures, err, taskId);
  return { gaveUp: false, failures };
}
