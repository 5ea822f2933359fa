/**
 * createTask (SPEC §4.1 create).
 * Precondition: parents exist; input valid. Effect: inserts a task in triage | review | todo |
 * scheduled | ready plus its parent links. Events: `created` (and `scheduled` when it waits for a time).
 * Idempotency: a key that matches a non-archived task returns that task and writes nothing; the
 * check and the insert share one BEGIN IMMEDIATE transaction, so concurrent creators with the
 * same key get one task.
 */
import type { TaskRow } from "../../db/schema";
import type { KernelContext } from "./context";
import { validation, KanbanError } from "./errors";
import { emit, getTaskRow, DONE_LIKE } from "./internal";
import { toTask, type Task, type Status } from "./types";
import { blockTask } from "./block";
import { completeTask } from "./complete";

export const INITIAL_STATUSES = ["triage", "todo", "scheduled", "ready", "review", "blocked", "done"] as const;
export type InitialStatus = (typeof INITIAL_STATUSES)[number];
import {
  cleanTitle, cleanAssignee, cleanTenant, cleanSkills, cleanPriority, cleanWorkspace, optionalInt, optionalText,
} from "./validate";

export interface CreateTaskInput {
  title: string;
  body?: string | null;
  assignee?: string | null;
  priority?: number | null;
  tenant?: string | null;
  skills?: string[] | null;
  parents?: string[];
  triage?: boolean;
  /**
   * The column a person created it in (the board's `+`), applied in the same transaction:
   * triage/review are written directly; blocked blocks it (`reason`, `kind`), done completes it
   * (`summary`); todo/ready/scheduled (or none) leave the status to parents and schedule, and
   * scheduled insists on a future scheduled_at.
   */
  status?: InitialStatus | null;
  reason?: string | null;
  kind?: string | null;
  summary?: string | null;
  idempotency_key?: string | null;
  workspace_kind?: string | null;
  workspace_path?: string | null;
  branch_name?: string | null;
  max_runtime_seconds?: number | null;
  max_retries?: number | null;
  scheduled_at?: number | null;
  created_by?: string | null;
  workflow_template_id?: string | null;
  current_step_key?: string | null;
  position?: number | null;
}

export interface CreateResult {
  task: Task;
  created: boolean;
}

const INSERT_SQL = `INSERT INTO tasks (id, title, body, assignee, status, priority, created_by, created_at,
  workspace_kind, workspace_path, branch_name, tenant, idempotency_key, max_runtime_seconds, skills,
  max_retries, scheduled_at, position, workflow_template_id, current_step_key)
  VALUES (@id, @title, @body, @assignee, @status, @priority, @created_by, @created_at, @workspace_kind,
  @workspace_path, @branch_name, @tenant, @idempotency_key, @max_runtime_seconds, @skills, @max_retries,
  @scheduled_at, @position, @workflow_template_id, @current_step_key)`;

export function createTask(k: KernelContext, input: CreateTaskInput): CreateResult {
  // Validation happens before the transaction: a refused create writes nothing.
  const title = cleanTitle(input.title);
  const body = optionalText("body", input.body, 1_000_000);
  const assignee = cleanAssignee(input.assignee);
  const tenant = cleanTenant(input.tenant);
  const skills = cleanSkills(input.skills);
  const priority = cleanPriority(input.priority);
  const ws = cleanWorkspace(input.workspace_kind, input.workspace_path, input.branch_name);
  const maxRuntime = optionalInt("max_runtime_seconds", input.max_runtime_seconds, 1);
  const maxRetries = optionalInt("max_retries", input.max_retries, 1, 1000);
  const scheduledAt = optionalInt("scheduled_at", input.scheduled_at, 0);
  const key = optionalText("idempotency_key", input.idempotency_key, 200);
  if (input.position != null && !Number.isFinite(input.position)) throw validation("position must be a finite number");
  const parents = [...new Set(input.parents ?? [])];
  for (const p of parents) if (typeof p !== "string" || p === "") throw validation("parents must be task ids");

  const place = input.status ?? null;
  if (place !== null && !INITIAL_STATUSES.includes(place)) {
    throw validation(`status must be one of ${INITIAL_STATUSES.join(", ")} for a new task, got "${String(place)}"`);
  }
  if (place === "scheduled" && !(scheduledAt != null && scheduledAt > k.now())) throw validation("a task created as scheduled needs a future scheduled_at");
  if (place === "blocked" && !(typeof input.reason === "string" && input.reason.trim())) throw validation("a task created as blocked needs a reason");
  if (place !== "blocked" && (input.reason != null || input.kind != null)) throw validation('reason and kind only go with status "blocked"');
  if (place !== "done" && input.summary != null) throw validation('summary only goes with status "done"');

  return k.tx(() => {
    if (key) {
      const existing = k
        .stmt("SELECT * FROM tasks WHERE idempotency_key = ? AND status != 'archived' ORDER BY created_at LIMIT 1")
        .get(key) as TaskRow | undefined;
      if (existing) return { task: toTask(existing), created: false };
    }
    const missing = parents.filter((p) => !getTaskRow(k, p));
    if (missing.length) throw validation(`unknown parent task${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`, { missing });

    const now = k.now();
    let undone = 0;
    if (parents.length) {
      const placeholders = parents.map(() => "?").join(",");
      undone = (
        k.db
          .prepare(`SELECT COUNT(*) AS n FROM tasks WHERE id IN (${placeholders}) AND status NOT IN ${DONE_LIKE}`)
          .get(...parents) as { n: number }
      ).n;
    }
    let status: Status;
    if (input.triage && place && place !== "triage") throw validation(`give triage or status "${place}", not both`);
    if (input.triage || place === "triage") status = "triage";
    else if (place === "review") status = "review";
    else if (undone > 0) status = "todo";
    else if (scheduledAt != null && scheduledAt > now) status = "scheduled";
    else status = "ready";

    const id = insertWithFreshId(k, {
      title, body, assignee, status, priority, created_by: input.created_by ?? null, created_at: now,
      workspace_kind: ws.kind, workspace_path: ws.path, branch_name: ws.branch, tenant, idempotency_key: key,
      max_runtime_seconds: maxRuntime, skills, max_retries: maxRetries, scheduled_at: scheduledAt,
      position: input.position ?? null, workflow_template_id: input.workflow_template_id ?? null,
      current_step_key: input.current_step_key ?? null,
    });
    const link = k.stmt("INSERT OR IGNORE INTO task_links (parent_id, child_id) VALUES (?, ?)");
    for (const p of parents) link.run(p, id);
    emit(k, id, "created", {
      assignee, status, parents, tenant, skills: skills ? JSON.parse(skills) : [],
    });
    if (status === "scheduled") emit(k, id, "scheduled", { scheduled_at: scheduledAt });
    // Blocked / done from the start: the same rules as blocking or completing it a moment later,
    // in this transaction, so no dispatcher ever sees it ready in between.
    if (place === "blocked") blockTask(k, id, { reason: input.reason as string, kind: input.kind ?? null });
    if (place === "done") completeTask(k, id, { summary: input.summary ?? null });
    return { task: toTask(getTaskRow(k, id)!), created: true };
  });
}

/** Ids are random; on the rare collision draw another (bounded, then a clear error). */
function insertWithFreshId(k: KernelContext, row: Record<string, unknown>): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = k.ids.taskId();
    if (getTaskRow(k, id)) continue;
    k.stmt(INSERT_SQL).run({ ...row, id });
    return id;
  }
  throw new KanbanError("conflict", "could not allocate a free task id after 20 attempts");
}
