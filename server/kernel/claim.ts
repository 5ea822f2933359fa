/**
 * claimTask / claimNextTask / heartbeatTask / recordSpawned (SPEC §4.1 claim, heartbeat; §6).
 *
 * claim: one conditional UPDATE (`status='ready' AND claim_lock IS NULL`), so of N concurrent
 * claimers exactly one wins. A ready task with an undone parent is demoted to todo instead
 * (`claim_rejected`). Opens a run; lock `<host>:<pid>[:<suffix>]`; claim_expires = now + TTL;
 * `started_at` set once. Events: `claimed {lock, expires, run_id}`.
 */
import type { TaskRow } from "../../db/schema";
import type { KernelContext } from "./context";
import { conflict, KanbanError, validation } from "./errors";
import { emit, requireTask, undoneParents, getTaskRow } from "./internal";
import { assertAllowed } from "./rules";
import { toTask, type Task } from "./types";

export interface ClaimOptions {
  /** Appended to the lock: `<host>:<pid>:<suffix>`. */
  lockSuffix?: string;
  /** The worker's pid when known (set by the dispatcher, or by a claimer that is the worker). */
  workerPid?: number | null;
  /** Lease length; defaults to the configured claim TTL. */
  ttlSeconds?: number;
}

export interface ClaimResult {
  task: Task;
  run_id: number;
  lock: string;
}

/** Tries to claim one ready task inside the current transaction. Null when it lost the race. */
function claimInTx(k: KernelContext, t: TaskRow, opts: ClaimOptions): ClaimResult | "rejected" | null {
  const waiting = undoneParents(k, t.id);
  if (waiting.length) {
    k.stmt("UPDATE tasks SET status = 'todo' WHERE id = ? AND status = 'ready'").run(t.id);
    emit(k, t.id, "claim_rejected", { reason: `waiting on parent${waiting.length > 1 ? "s" : ""} ${waiting.join(", ")}` });
    return "rejected";
  }
  const now = k.now();
  const ttl = opts.ttlSeconds ?? k.config.claimTtlSeconds;
  const expires = now + ttl;
  const lock = k.lockFor(opts.lockSuffix, opts.workerPid ?? undefined);
  const pid = opts.workerPid ?? null;
  const won = k
    .stmt(
      `UPDATE tasks SET status = 'running', claim_lock = ?, claim_expires = ?, started_at = COALESCE(started_at, ?),
         last_heartbeat_at = ?, worker_pid = ?
       WHERE id = ? AND status = 'ready' AND claim_lock IS NULL`,
    )
    .run(lock, expires, now, now, pid, t.id);
  if (won.changes === 0) return null;
  const run = k
    .stmt(
      `INSERT INTO task_runs (task_id, profile, step_key, status, claim_lock, claim_expires, worker_pid,
         max_runtime_seconds, last_heartbeat_at, started_at)
       VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
    )
    .run(t.id, t.assignee, t.current_step_key, lock, expires, pid, t.max_runtime_seconds, now, now);
  const runId = Number(run.lastInsertRowid);
  k.stmt("UPDATE tasks SET current_run_id = ? WHERE id = ?").run(runId, t.id);
  emit(k, t.id, "claimed", { lock, expires, run_id: runId }, runId);
  // The row as written, without reading it back (this is the hot path of every worker).
  const row: TaskRow = {
    ...t, status: "running", claim_lock: lock, claim_expires: expires, started_at: t.started_at ?? now,
    last_heartbeat_at: now, worker_pid: pid, current_run_id: runId,
  };
  return { task: toTask(row), run_id: runId, lock };
}

export function claimTask(k: KernelContext, id: string, opts: ClaimOptions = {}): ClaimResult {
  const r = k.tx(() => {
    const t = requireTask(k, id);
    if (t.status === "ready" && t.claim_lock != null) throw conflict(`cannot claim ${id}: it is already claimed by ${t.claim_lock}`);
    assertAllowed("claim", t.status, id);
    return claimInTx(k, t, opts);
  });
  if (r === "rejected") {
    throw new KanbanError("conflict", `cannot claim ${id}: it waits on an undone parent (moved back to todo)`);
  }
  if (r === null) throw conflict(`cannot claim ${id}: another worker claimed it first`);
  return r;
}

/**
 * Claims the best ready task (priority DESC, created_at ASC), optionally for one assignee or
 * tenant. Returns null when nothing is claimable.
 */
export function claimNextTask(
  k: KernelContext,
  filter: { assignee?: string | null; tenant?: string | null } = {},
  opts: ClaimOptions = {},
): ClaimResult | null {
  return k.tx(() => {
    for (let i = 0; i < 1000; i++) {
      const t = k
        .stmt(
          `SELECT * FROM tasks WHERE status = 'ready' AND claim_lock IS NULL
             AND (@assignee IS NULL OR assignee = @assignee) AND (@tenant IS NULL OR tenant = @tenant)
           ORDER BY priority DESC, created_at ASC, rowid ASC LIMIT 1`,
        )
        .get({ assignee: filter.assignee ?? null, tenant: filter.tenant ?? null }) as TaskRow | undefined;
      if (!t) return null;
      const r = claimInTx(k, t, opts);
      if (r && r !== "rejected") return r;
    }
    return null;
  });
}

export interface Fence {
  /** The run the caller believes is current; a mismatch is refused (fencing). */
  runId?: number | null;
  /** The caller's claim lock; when given it must match. */
  lock?: string | null;
}

/** Throws `conflict` when a fenced call names a run or lock that is no longer current. */
export function checkFence(t: TaskRow, fence: Fence, op: string): void {
  if (fence.runId != null && t.current_run_id !== fence.runId) {
    throw conflict(
      `${op} refused for ${t.id}: run ${fence.runId} is no longer current (current run: ${t.current_run_id ?? "none"}); nothing changed`,
      { task_id: t.id, run_id: fence.runId, current_run_id: t.current_run_id },
    );
  }
  if (fence.lock != null && t.claim_lock !== fence.lock) {
    throw conflict(`${op} refused for ${t.id}: the claim is held by ${t.claim_lock ?? "nobody"}, not ${fence.lock}`);
  }
}

/**
 * heartbeatTask: extends the claim and stamps last_heartbeat_at on task and run. Only the current
 * run / lock owner may heartbeat. Events: `heartbeat {note}`.
 */
export function heartbeatTask(k: KernelContext, id: string, fence: Fence & { note?: string | null; ttlSeconds?: number } = {}): Task {
  if (fence.note != null && typeof fence.note !== "string") throw validation("note must be a string");
  return k.tx(() => {
    const t = requireTask(k, id);
    assertAllowed("heartbeat", t.status, id);
    checkFence(t, fence, "heartbeat");
    const now = k.now();
    const expires = now + (fence.ttlSeconds ?? k.config.claimTtlSeconds);
    k.stmt("UPDATE tasks SET claim_expires = ?, last_heartbeat_at = ? WHERE id = ?").run(expires, now, id);
    if (t.current_run_id != null) {
      k.stmt("UPDATE task_runs SET claim_expires = ?, last_heartbeat_at = ? WHERE id = ?").run(expires, now, t.current_run_id);
    }
    const note = fence.note ? fence.note.slice(0, 500) : null;
    emit(k, id, "heartbeat", { note }, t.current_run_id);
    return toTask(getTaskRow(k, id)!);
  });
}

/** recordSpawned: the dispatcher started a worker for the current run. Events: `spawned {pid, argv0}`. */
export function recordSpawned(k: KernelContext, id: string, runId: number, pid: number, argv0: string): void {
  k.tx(() => {
    const t = requireTask(k, id);
    assertAllowed("spawned", t.status, id);
    checkFence(t, { runId }, "spawned");
    k.stmt("UPDATE tasks SET worker_pid = ? WHERE id = ?").run(pid, id);
    k.stmt("UPDATE task_runs SET worker_pid = ? WHERE id = ?").run(pid, runId);
    emit(k, id, "spawned", { pid, argv0 }, runId);
  });
}
