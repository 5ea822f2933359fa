/**
 * completeTask (SPEC §4.1 complete).
 * From running | ready | blocked | review → done. Closes the open run `completed` (or, with no
 * open run but handoff text, writes a zero-length synthetic run), resets failures and the block
 * kind, stores `result`, promotes the children. Fenced: a run id that is no longer current changes
 * nothing. Events: `completed {summary, result_len}` (+ `promoted` on children).
 */
import type { KernelContext } from "./context";
import { emit, requireTask, closeCurrentRun, promoteChildren, CLEAR_CLAIM_SQL } from "./internal";
import { assertAllowed } from "./rules";
import { checkFence, type Fence } from "./claim";
import { toTask, type Task } from "./types";
import { cleanMetadata, optionalText } from "./validate";

export interface CompleteInput extends Fence {
  summary?: string | null;
  result?: string | null;
  metadata?: unknown;
}

export interface CompleteResult {
  task: Task;
  run_id: number | null;
  promoted: string[];
}

export function completeTask(k: KernelContext, id: string, input: CompleteInput = {}): CompleteResult {
  const summary = optionalText("summary", input.summary, 20_000);
  const result = optionalText("result", input.result, 1_000_000);
  const metadata = cleanMetadata(input.metadata);
  return k.tx(() => {
    const t = requireTask(k, id);
    checkFence(t, input, "complete");
    assertAllowed("complete", t.status, id);
    const now = k.now();
    let runId = closeCurrentRun(k, t, { outcome: "completed", summary, metadata });
    if (runId == null && (summary != null || metadata != null || result != null)) {
      const r = k
        .stmt(
          `INSERT INTO task_runs (task_id, profile, step_key, status, started_at, ended_at, outcome, summary, metadata)
           VALUES (?, ?, ?, 'done', ?, ?, 'completed', ?, ?)`,
        )
        .run(id, t.assignee, t.current_step_key, now, now, summary, metadata);
      runId = Number(r.lastInsertRowid);
    }
    k.stmt(
      `UPDATE tasks SET status = 'done', completed_at = ?, result = COALESCE(?, result), consecutive_failures = 0,
         block_kind = NULL, block_recurrences = 0, ${CLEAR_CLAIM_SQL} WHERE id = ?`,
    ).run(now, result, id);
    emit(k, id, "completed", { summary, result_len: result?.length ?? 0 }, runId);
    const promoted = promoteChildren(k, id);
    const row = {
      ...t, status: "done", completed_at: now, result: result ?? t.result, consecutive_failures: 0, block_kind: null,
      block_recurrences: 0, claim_lock: null, claim_expires: null, worker_pid: null, current_run_id: null,
    };
    return { task: toTask(row), run_id: runId, promoted };
  });
}
