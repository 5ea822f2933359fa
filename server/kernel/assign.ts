/**
 * assignTask / reclaimTask (SPEC §4.1 assign, reclaim).
 * assign: refused while running with a live claim (reclaim first); a different profile resets the
 * failure counter. Events: `assigned {assignee}`.
 * reclaim (manual): closes the open run `reclaimed`, task → ready, failures reset; after the
 * commit the worker (if on this host) gets SIGTERM, then SIGKILL after 5 s. Events: `reclaimed`.
 */
import type { KernelContext } from "./context";
import { conflict } from "./errors";
import { emit, requireTask, closeCurrentRun, getTaskRow, CLEAR_CLAIM_SQL, promoteIfReady } from "./internal";
import { assertAllowed } from "./rules";
import { toTask, type Task } from "./types";
import { cleanAssignee, optionalText } from "./validate";

export function assignTask(k: KernelContext, id: string, assignee: string | null): Task {
  const a = cleanAssignee(assignee);
  return k.tx(() => {
    const t = requireTask(k, id);
    assertAllowed("assign", t.status, id);
    if (t.status === "running" && t.claim_expires != null && t.claim_expires > k.now()) {
      throw conflict(`cannot reassign ${id}: it is running with a live claim (${t.claim_lock}); reclaim it first`);
    }
    if (t.assignee === a) return toTask(t);
    k.stmt("UPDATE tasks SET assignee = ?, consecutive_failures = 0 WHERE id = ?").run(a, id);
    emit(k, id, "assigned", { assignee: a });
    // A breaker block is about the old profile; the new one starts with a clean slate.
    promoteIfReady(k, getTaskRow(k, id)!);
    return toTask(getTaskRow(k, id)!);
  });
}

export interface ReclaimResult {
  task: Task;
  run_id: number | null;
  /** The local worker pid that was signalled, if any. */
  signalled_pid: number | null;
}

export function reclaimTask(k: KernelContext, id: string, reason?: string | null): ReclaimResult {
  const why = optionalText("reason", reason, 2000) ?? "manual reclaim";
  const r = k.tx(() => {
    const t = requireTask(k, id);
    assertAllowed("reclaim", t.status, id);
    const runId = closeCurrentRun(k, t, { outcome: "reclaimed", error: why });
    k.stmt(`UPDATE tasks SET status = 'ready', consecutive_failures = 0, ${CLEAR_CLAIM_SQL} WHERE id = ?`).run(id);
    emit(k, id, "reclaimed", { reason: why, lock: t.claim_lock, pid: t.worker_pid }, runId);
    const pid = t.worker_pid != null && k.lockIsLocal(t.claim_lock) ? t.worker_pid : null;
    return { task: toTask(getTaskRow(k, id)!), run_id: runId, signalled_pid: pid };
  });
  // Process work happens after the commit, never inside the transaction.
  if (r.signalled_pid != null) k.proc.terminate(r.signalled_pid);
  return r;
}
