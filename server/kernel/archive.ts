/**
 * archiveTask / deleteTask (SPEC §4.1 archive, delete).
 * archive: any → archived; an open run is closed `reclaimed` (its local worker is ended after the
 * commit); dependents are promoted (archived counts as a satisfied parent). Events: `archived`.
 * delete: removes the task with its links, comments, events, runs and subscriptions, promotes the
 * former children, and writes one `deleted` event so live views drop the card.
 */
import type { KernelContext } from "./context";
import { emit, requireTask, closeCurrentRun, getTaskRow, promoteChildren, childIds, CLEAR_CLAIM_SQL, promoteIfReady } from "./internal";
import { assertAllowed } from "./rules";
import { toTask, type Task } from "./types";

export interface ArchiveResult {
  task: Task;
  promoted: string[];
  signalled_pid: number | null;
}

export function archiveTask(k: KernelContext, id: string): ArchiveResult {
  const r = k.tx(() => {
    const t = requireTask(k, id);
    assertAllowed("archive", t.status, id);
    const runId = closeCurrentRun(k, t, { outcome: "reclaimed", error: "task archived" });
    k.stmt(`UPDATE tasks SET status = 'archived', ${CLEAR_CLAIM_SQL} WHERE id = ?`).run(id);
    emit(k, id, "archived", { from: t.status }, runId);
    const promoted = promoteChildren(k, id);
    const pid = t.status === "running" && t.worker_pid != null && k.lockIsLocal(t.claim_lock) ? t.worker_pid : null;
    return { task: toTask(getTaskRow(k, id)!), promoted, signalled_pid: pid };
  });
  if (r.signalled_pid != null) k.proc.terminate(r.signalled_pid);
  return r;
}

export interface DeleteResult {
  id: string;
  promoted: string[];
  signalled_pid: number | null;
}

export function deleteTask(k: KernelContext, id: string): DeleteResult {
  const r = k.tx(() => {
    const t = requireTask(k, id);
    assertAllowed("delete", t.status, id);
    const children = childIds(k, id);
    k.stmt("DELETE FROM task_links WHERE parent_id = ? OR child_id = ?").run(id, id);
    for (const table of ["task_comments", "task_events", "task_runs", "kanban_notify_subs"]) {
      k.stmt(`DELETE FROM ${table} WHERE task_id = ?`).run(id);
    }
    k.stmt("DELETE FROM tasks WHERE id = ?").run(id);
    emit(k, id, "deleted", { title: t.title, status: t.status });
    const promoted: string[] = [];
    for (const c of children) {
      const child = getTaskRow(k, c);
      if (child && promoteIfReady(k, child)) promoted.push(c);
    }
    const pid = t.status === "running" && t.worker_pid != null && k.lockIsLocal(t.claim_lock) ? t.worker_pid : null;
    return { id, promoted, signalled_pid: pid };
  });
  if (r.signalled_pid != null) k.proc.terminate(r.signalled_pid);
  return r;
}
