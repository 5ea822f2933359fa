/**
 * The data model (SPEC §3.1), declared once in Drizzle.
 *
 * Table and column names are the Hermes kanban.db names so the same file stays readable by both.
 * This declaration is the single source of truth: `db/adopt.ts` derives the CREATE TABLE /
 * ALTER TABLE ADD COLUMN statements from it, so a fresh file and an adopted Hermes file end up
 * with the same columns. Defaults are SQL constants only (SQLite's ADD COLUMN rejects anything
 * else, STACK.md P10); real values are set by the kernel.
 */
import { sqliteTable, text, integer, real, primaryKey, index } from "drizzle-orm/sqlite-core";

export const tasks = sqliteTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    body: text("body"),
    assignee: text("assignee"),
    status: text("status").notNull(),
    priority: integer("priority").default(0),
    created_by: text("created_by"),
    created_at: integer("created_at").notNull(),
    started_at: integer("started_at"),
    completed_at: integer("completed_at"),
    workspace_kind: text("workspace_kind").notNull().default("scratch"),
    workspace_path: text("workspace_path"),
    branch_name: text("branch_name"),
    claim_lock: text("claim_lock"),
    claim_expires: integer("claim_expires"),
    tenant: text("tenant"),
    result: text("result"),
    idempotency_key: text("idempotency_key"),
    consecutive_failures: integer("consecutive_failures").notNull().default(0),
    worker_pid: integer("worker_pid"),
    last_failure_error: text("last_failure_error"),
    max_runtime_seconds: integer("max_runtime_seconds"),
    last_heartbeat_at: integer("last_heartbeat_at"),
    current_run_id: integer("current_run_id"),
    workflow_template_id: text("workflow_template_id"),
    current_step_key: text("current_step_key"),
    skills: text("skills"),
    max_retries: integer("max_retries"),
    block_kind: text("block_kind"),
    block_recurrences: integer("block_recurrences").notNull().default(0),
    scheduled_at: integer("scheduled_at"),
    position: real("position"),
  },
  (t) => [
    index("idx_tasks_assignee_status").on(t.assignee, t.status),
    index("idx_tasks_status").on(t.status),
    index("idx_tasks_tenant").on(t.tenant),
    index("idx_tasks_idempotency").on(t.idempotency_key),
  ],
);

export const taskLinks = sqliteTable(
  "task_links",
  {
    parent_id: text("parent_id").notNull(),
    child_id: text("child_id").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.parent_id, t.child_id] }),
    index("idx_links_child").on(t.child_id),
    index("idx_links_parent").on(t.parent_id),
  ],
);

export const taskComments = sqliteTable(
  "task_comments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    task_id: text("task_id").notNull(),
    author: text("author").notNull(),
    body: text("body").notNull(),
    created_at: integer("created_at").notNull(),
  },
  (t) => [index("idx_comments_task").on(t.task_id, t.created_at)],
);

export const taskEvents = sqliteTable(
  "task_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    task_id: text("task_id").notNull(),
    run_id: integer("run_id"),
    kind: text("kind").notNull(),
    payload: text("payload"),
    created_at: integer("created_at").notNull(),
  },
  (t) => [index("idx_events_task").on(t.task_id, t.created_at), index("idx_events_run").on(t.run_id, t.id)],
);

export const taskRuns = sqliteTable(
  "task_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    task_id: text("task_id").notNull(),
    profile: text("profile"),
    step_key: text("step_key"),
    status: text("status").notNull(),
    claim_lock: text("claim_lock"),
    claim_expires: integer("claim_expires"),
    worker_pid: integer("worker_pid"),
    max_runtime_seconds: integer("max_runtime_seconds"),
    last_heartbeat_at: integer("last_heartbeat_at"),
    started_at: integer("started_at").notNull(),
    ended_at: integer("ended_at"),
    outcome: text("outcome"),
    summary: text("summary"),
    metadata: text("metadata"),
    error: text("error"),
  },
  (t) => [index("idx_runs_task").on(t.task_id, t.started_at), index("idx_runs_status").on(t.status)],
);

export const notifySubs = sqliteTable(
  "kanban_notify_subs",
  {
    task_id: text("task_id").notNull(),
    platform: text("platform").notNull(),
    chat_id: text("chat_id").notNull(),
    thread_id: text("thread_id").notNull().default(""),
    user_id: text("user_id"),
    created_at: integer("created_at").notNull(),
    last_event_id: integer("last_event_id").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.task_id, t.platform, t.chat_id, t.thread_id] }),
    index("idx_notify_task").on(t.task_id),
  ],
);

export const allTables = [tasks, taskLinks, taskComments, taskEvents, taskRuns, notifySubs] as const;

export type TaskRow = typeof tasks.$inferSelect;
export type RunRow = typeof taskRuns.$inferSelect;
export type EventRow = typeof taskEvents.$inferSelect;
export type CommentRow = typeof taskComments.$inferSelect;
