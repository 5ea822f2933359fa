/**
 * Leases, liveness and failure (SPEC §4.2) and the board-wide promotion pass (§4.3).
 * Each function handles each task in its own short transaction and does process work (signals)
 * only after the commit. The dispatcher's tick calls them in order:
 * releaseStaleClaims → detectCrashedWorkers → enforceMaxRuntime → reclaimStaleRunning → promoteAll.
 */
import type { TaskRow, RunRow } from "../../db/schema";
import type { KernelContext } from "./context";
import { emit, getTaskRow, getRunRow, closeCurrentRun, recordFailure, promoteIfReady, CLEAR_CLAIM_SQL, truncate } from "./internal";
import type { ExitInfo } from "./process-control";

const HOUR = 3600;
/** Exit code a worker uses to say "rate limited, requeue me later" (sysexits EX_TEMPFAIL). */
export const EXIT_RATE_LIMITED = 75;
export const RATE_LIMIT_COOLDOWN_SECONDS = 300;

export interface LivenessAction {
  task_id: string;
  run_id: number | null;
  action: "claim_extended" | "reclaimed" | "crashed" | "protocol_violation" | "rate_limited" | "timed_out" | "stale" | "gave_up" | "promoted" | "spawn_failed";
  pid?: number | null;
}

function runningTasks(k: KernelContext, extraWhere = "1"): TaskRow[] {
  return k.stmt(`SELECT * FROM tasks WHERE status = 'running' AND ${extraWhere}`).all() as TaskRow[];
}

/** The task as it is now, if it is still running the same run we looked at. */
function stillRunning(k: KernelContext, t: TaskRow): TaskRow | null {
  const cur = getTaskRow(k, t.id);
  return cur && cur.status === "running" && cur.current_run_id === t.current_run_id ? cur : null;
}

/**
 * Expired claims: extended when the worker pid is alive on this host and heartbeated within the
 * hour (`claim_extended`); otherwise the worker is ended and the task goes back to ready with the
 * run closed `reclaimed` (not a failure).
 */
export function releaseStaleClaims(k: KernelContext): LivenessAction[] {
  const out: LivenessAction[] = [];
  const now = k.now();
  const expired = k
    .stmt("SELECT * FROM tasks WHERE status = 'running' AND claim_expires IS NOT NULL AND claim_expires < ?")
    .all(now) as TaskRow[];
  for (const t0 of expired) {
    const pidLocal = t0.worker_pid != null && k.lockIsLocal(t0.claim_lock);
    const alive = pidLocal && k.proc.state(t0.worker_pid!) === "alive";
    const r = k.tx((): LivenessAction | null => {
      const t = stillRunning(k, t0);
      if (!t || t.claim_expires == null || t.claim_expires >= now) return null;
      const beat = t.last_heartbeat_at ?? t.started_at ?? 0;
      if (alive && now - beat < HOUR) {
        const expires = now + k.config.claimTtlSeconds;
        k.stmt("UPDATE tasks SET claim_expires = ? WHERE id = ?").run(expires, t.id);
        if (t.current_run_id != null) k.stmt("UPDATE task_runs SET claim_expires = ? WHERE id = ?").run(expires, t.current_run_id);
        emit(k, t.id, "claim_extended", { expires, pid: t.worker_pid, reason: "worker alive" }, t.current_run_id);
        return { task_id: t.id, run_id: t.current_run_id, action: "claim_extended", pid: t.worker_pid };
      }
      const runId = closeCurrentRun(k, t, { outcome: "reclaimed", error: "claim expired" });
      k.stmt(`UPDATE tasks SET status = 'ready', ${CLEAR_CLAIM_SQL} WHERE id = ?`).run(t.id);
      emit(k, t.id, "reclaimed", { reason: "claim expired", lock: t.claim_lock, pid: t.worker_pid }, runId);
      return { task_id: t.id, run_id: runId, action: "reclaimed", pid: t.worker_pid };
    });
    if (!r) continue;
    if (r.action === "reclaimed" && alive) k.proc.terminate(t0.worker_pid!);
    out.push(r);
  }
  return out;
}

/**
 * Crash detection: a running task whose local worker pid is gone (or a zombie) is closed by its
 * exit status — 0 without complete/block is a protocol violation (counted as a crash), 75 is
 * rate limited (requeued, no failure), anything else crashed. Without a known exit status the
 * pid must have been gone past the crash grace (measured from the run's start).
 */
export function detectCrashedWorkers(k: KernelContext): LivenessAction[] {
  const out: LivenessAction[] = [];
  for (const t0 of runningTasks(k, "worker_pid IS NOT NULL")) {
    if (!k.lockIsLocal(t0.claim_lock)) continue;
    const pid = t0.worker_pid!;
    const state = k.proc.state(pid);
    if (state === "alive") continue;
    const exit = k.proc.exitInfo(pid);
    const run = t0.current_run_id != null ? getRunRow(k, t0.current_run_id) : undefined;
    const started = run?.started_at ?? t0.started_at ?? 0;
    if (!exit && k.now() - started < k.config.crashGraceSeconds) continue;
    const r = recordWorkerExit(k, t0.id, t0.current_run_id, pid, exit);
    if (r) out.push(r);
  }
  return out;
}

/**
 * Closes a running task's run after its worker process ended without completing or blocking.
 * Called by crash detection, and by the dispatcher the moment it reaps a child. Returns null
 * when the run is no longer current (the worker finished properly first).
 */
export function recordWorkerExit(
  k: KernelContext,
  taskId: string,
  runId: number | null,
  pid: number,
  exit: ExitInfo | null,
): LivenessAction | null {
  return k.tx(() => {
    const t = getTaskRow(k, taskId);
    if (!t || t.status !== "running" || t.current_run_id !== runId) return null;
    if (exit?.code === EXIT_RATE_LIMITED) {
      const closed = closeCurrentRun(k, t, { outcome: "rate_limited", error: `worker exited ${EXIT_RATE_LIMITED} (rate limited)` });
      k.stmt(`UPDATE tasks SET status = 'ready', ${CLEAR_CLAIM_SQL} WHERE id = ?`).run(t.id);
      emit(k, t.id, "rate_limited", { pid, cooldown_seconds: RATE_LIMIT_COOLDOWN_SECONDS }, closed);
      return { task_id: t.id, run_id: closed, action: "rate_limited", pid };
    }
    const violation = exit?.code === 0;
    const error = violation
      ? `protocol violation: worker ${pid} exited 0 without completing or blocking the task`
      : exit?.signal
        ? `worker ${pid} was killed by ${exit.signal}`
        : exit?.code != null
          ? `worker ${pid} exited with code ${exit.code}`
          : `worker ${pid} disappeared (exit status unknown)`;
    const closed = closeCurrentRun(k, t, { outcome: "crashed", error });
    if (violation) emit(k, t.id, "protocol_violation", { pid }, closed);
    else emit(k, t.id, "crashed", exit?.signal ? { pid, signal: exit.signal } : { pid, exit_code: exit?.code ?? null }, closed);
    const f = recordFailure(k, t.id, "crashed", error, closed);
    return { task_id: t.id, run_id: closed, action: f.gaveUp ? "gave_up" : violation ? "protocol_violation" : "crashed", pid };
  });
}

/**
 * Max runtime: a run older than its max_runtime_seconds (from that run's start) is closed
 * `timed_out`, the task goes back to ready with one failure counted, and the local worker tree is
 * ended (SIGTERM, SIGKILL after 5 s) after the commit.
 */
export function enforceMaxRuntime(k: KernelContext): LivenessAction[] {
  const out: LivenessAction[] = [];
  const now = k.now();
  const rows = k
    .stmt(
      `SELECT t.id AS task_id, r.id AS run_id, r.started_at, r.max_runtime_seconds AS limit_s
       FROM tasks t JOIN task_runs r ON r.id = t.current_run_id
       WHERE t.status = 'running' AND r.ended_at IS NULL AND r.max_runtime_seconds IS NOT NULL
         AND r.started_at + r.max_runtime_seconds <= ?`,
    )
    .all(now) as { task_id: string; run_id: number; started_at: number; limit_s: number }[];
  for (const row of rows) {
    const r = k.tx(() => {
      const t = getTaskRow(k, row.task_id);
      if (!t || t.status !== "running" || t.current_run_id !== row.run_id) return null;
      const elapsed = now - row.started_at;
      const error = `timed out after ${elapsed}s (limit ${row.limit_s}s)`;
      const closed = closeCurrentRun(k, t, { outcome: "timed_out", error });
      emit(k, t.id, "timed_out", { pid: t.worker_pid, elapsed_seconds: elapsed, limit_seconds: row.limit_s }, closed);
      const f = recordFailure(k, t.id, "timed_out", error, closed);
      const pid = t.worker_pid != null && k.lockIsLocal(t.claim_lock) ? t.worker_pid : null;
      return { task_id: t.id, run_id: closed, action: f.gaveUp ? "gave_up" : "timed_out", pid } as LivenessAction;
    });
    if (!r) continue;
    if (r.pid != null) k.proc.terminate(r.pid);
    out.push(r);
  }
  return out;
}

/**
 * Stale running: running longer than stale_timeout_seconds with no heartbeat for an hour →
 * run closed `stale`, task back to ready (not counted as a failure; the worker is ended).
 */
export function reclaimStaleRunning(k: KernelContext): LivenessAction[] {
  const limit = k.config.staleTimeoutSeconds;
  if (!limit) return [];
  const out: LivenessAction[] = [];
  const now = k.now();
  const rows = k
    .stmt(
      `SELECT t.* FROM tasks t JOIN task_runs r ON r.id = t.current_run_id
       WHERE t.status = 'running' AND r.started_at + ? < ? AND COALESCE(t.last_heartbeat_at, r.started_at) < ?`,
    )
    .all(limit, now, now - HOUR) as TaskRow[];
  for (const t0 of rows) {
    const r = k.tx(() => {
      const t = stillRunning(k, t0);
      if (!t) return null;
      const error = `no heartbeat for over an hour after ${limit}s running`;
      const closed = closeCurrentRun(k, t, { outcome: "stale", error });
      k.stmt(`UPDATE tasks SET status = 'ready', ${CLEAR_CLAIM_SQL} WHERE id = ?`).run(t.id);
      emit(k, t.id, "stale", { pid: t.worker_pid, last_heartbeat_at: t.last_heartbeat_at, limit_seconds: limit }, closed);
      const pid = t.worker_pid != null && k.lockIsLocal(t.claim_lock) ? t.worker_pid : null;
      return { task_id: t.id, run_id: closed, action: "stale", pid } as LivenessAction;
    });
    if (!r) continue;
    if (r.pid != null) k.proc.terminate(r.pid);
    out.push(r);
  }
  return out;
}

/** A spawn error is a failure (SPEC §4.2): the run is closed `spawn_failed`, breaker applies. */
export function recordSpawnFailure(k: KernelContext, taskId: string, runId: number, error: string): LivenessAction | null {
  return k.tx(() => {
    const t = getTaskRow(k, taskId);
    if (!t || t.status !== "running" || t.current_run_id !== runId) return null;
    const err = truncate(error, 500)!;
    const closed = closeCurrentRun(k, t, { outcome: "spawn_failed", error: err });
    emit(k, t.id, "spawn_failed", { error: err, failures: t.consecutive_failures + 1 }, closed);
    const f = recordFailure(k, t.id, "spawn_failed", err, closed);
    return { task_id: t.id, run_id: closed, action: f.gaveUp ? "gave_up" : "spawn_failed" };
  });
}

/** True while a task's latest run was rate limited less than the cooldown ago (do not respawn). */
export function inRateLimitCooldown(k: KernelContext, taskId: string): boolean {
  const last = k
    .stmt("SELECT outcome, ended_at FROM task_runs WHERE task_id = ? ORDER BY id DESC LIMIT 1")
    .get(taskId) as Pick<RunRow, "outcome" | "ended_at"> | undefined;
  return !!last && last.outcome === "rate_limited" && last.ended_at != null && k.now() - last.ended_at < RATE_LIMIT_COOLDOWN_SECONDS;
}

/** Board-wide promotion pass: waiting todo tasks, due scheduled tasks, recoverable breaker blocks. */
export function promoteAll(k: KernelContext): LivenessAction[] {
  const candidates = k
    .stmt(
      `SELECT * FROM tasks t WHERE (status = 'todo' AND NOT EXISTS (
           SELECT 1 FROM task_links l JOIN tasks p ON p.id = l.parent_id
           WHERE l.child_id = t.id AND p.status NOT IN ('done', 'archived')))
         OR (status = 'scheduled' AND (scheduled_at IS NULL OR scheduled_at <= ?))
         OR (status = 'blocked' AND block_kind = 'circuit_breaker')`,
    )
    .all(k.now()) as TaskRow[];
  const out: LivenessAction[] = [];
  for (const t0 of candidates) {
    const promoted = k.tx(() => {
      const t = getTaskRow(k, t0.id);
      return t ? promoteIfReady(k, t) : false;
    });
    if (promoted) out.push({ task_id: t0.id, run_id: null, action: "promoted" });
  }
  return out;
}

/** One liveness pass in tick order (SPEC §6.1), without the spawning part. */
export function runLivenessPass(k: KernelContext): LivenessAction[] {
  return [
    ...releaseStaleClaims(k),
    ...detectCrashedWorkers(k),
    ...enforceMaxRuntime(k),
    ...reclaimStaleRunning(k),
    ...promoteAll(k),
  ];
}
