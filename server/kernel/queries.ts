/**
 * Read models for the UI, CLI and API: task list, task detail, runs, events since a cursor,
 * stats and assignees. The board has its own file (board-query.ts). Reads need no transaction
 * beyond SQLite's implicit snapshot per statement; detail reads use one read transaction so the
 * parts agree.
 */
import type { TaskRow, RunRow, EventRow, CommentRow } from "../../db/schema";
import type { KernelContext } from "./context";
import { notFound, validation } from "./errors";
import { STATUSES, toTask, toRun, toEvent, type Task, type Run, type KanbanEvent, type Comment, type Status } from "./types";

export interface ListFilter {
  ids?: string[];
  status?: string | string[];
  assignee?: string;
  tenant?: string;
  includeArchived?: boolean;
  limit?: number;
  sort?: "priority" | "created" | "updated" | "id";
}

const SORTS: Record<NonNullable<ListFilter["sort"]>, string> = {
  priority: "priority DESC, created_at ASC, rowid ASC",
  created: "created_at DESC, id ASC",
  updated: "COALESCE(completed_at, started_at, created_at) DESC, id ASC",
  id: "id ASC",
};

export function listTasks(k: KernelContext, f: ListFilter = {}): Task[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.ids) {
    if (f.ids.length === 0) return [];
    where.push(`id IN (${f.ids.map(() => "?").join(",")})`);
    params.push(...f.ids);
  }
  const statuses = f.status == null ? [] : Array.isArray(f.status) ? f.status : [f.status];
  for (const s of statuses) if (!STATUSES.includes(s as Status)) throw validation(`unknown status "${s}"`);
  if (statuses.length) {
    where.push(`status IN (${statuses.map(() => "?").join(",")})`);
    params.push(...statuses);
  } else if (!f.includeArchived && !f.ids) {
    where.push("status != 'archived'");
  }
  if (f.assignee != null) {
    if (f.assignee === "" || f.assignee === "none") where.push("assignee IS NULL");
    else {
      where.push("assignee = ?");
      params.push(f.assignee.toLowerCase());
    }
  }
  if (f.tenant != null) {
    where.push("tenant = ?");
    params.push(f.tenant);
  }
  const sort = SORTS[f.sort ?? "priority"];
  if (!sort) throw validation(`unknown sort "${f.sort}" (priority, created, updated, id)`);
  let sql = `SELECT * FROM tasks${where.length ? " WHERE " + where.join(" AND ") : ""} ORDER BY ${sort}`;
  if (f.limit != null) {
    if (!Number.isInteger(f.limit) || f.limit < 1) throw validation("limit must be a positive integer");
    sql += ` LIMIT ${f.limit}`;
  }
  return (k.db.prepare(sql).all(...params) as TaskRow[]).map(toTask);
}

export function getTask(k: KernelContext, id: string): Task {
  const row = k.stmt("SELECT * FROM tasks WHERE id = ?").get(id) as TaskRow | undefined;
  if (!row) throw notFound(`task ${id}`);
  return toTask(row);
}

export function listRuns(k: KernelContext, taskId: string): Run[] {
  return (k.stmt("SELECT * FROM task_runs WHERE task_id = ? ORDER BY id ASC").all(taskId) as RunRow[]).map(toRun);
}

export function taskEvents(k: KernelContext, taskId: string, limit = 500): KanbanEvent[] {
  const rows = k
    .stmt("SELECT * FROM (SELECT * FROM task_events WHERE task_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id ASC")
    .all(taskId, limit) as EventRow[];
  return rows.map(toEvent);
}

export interface ChildResult {
  id: string;
  title: string;
  status: string;
  summary: string | null;
  metadata: unknown;
}

export interface TaskDetail {
  task: Task;
  parents: Task[];
  children: Task[];
  comments: Comment[];
  events: KanbanEvent[];
  runs: Run[];
  child_results: ChildResult[];
}

/** Latest completed-run summary/metadata of each given task. */
function latestSummaries(k: KernelContext, ids: string[]): Map<string, { summary: string | null; metadata: unknown }> {
  const out = new Map<string, { summary: string | null; metadata: unknown }>();
  const stmt = k.stmt(
    "SELECT summary, metadata FROM task_runs WHERE task_id = ? AND outcome = 'completed' ORDER BY id DESC LIMIT 1",
  );
  for (const id of ids) {
    const r = stmt.get(id) as Pick<RunRow, "summary" | "metadata"> | undefined;
    if (r) out.set(id, { summary: r.summary, metadata: toRun({ metadata: r.metadata } as RunRow).metadata });
  }
  return out;
}

export function taskDetail(k: KernelContext, id: string): TaskDetail {
  return k.db.transaction(() => {
    const task = getTask(k, id);
    const parents = (
      k.stmt("SELECT t.* FROM task_links l JOIN tasks t ON t.id = l.parent_id WHERE l.child_id = ? ORDER BY t.created_at").all(id) as TaskRow[]
    ).map(toTask);
    const children = (
      k.stmt("SELECT t.* FROM task_links l JOIN tasks t ON t.id = l.child_id WHERE l.parent_id = ? ORDER BY t.created_at").all(id) as TaskRow[]
    ).map(toTask);
    const comments = k.stmt("SELECT * FROM task_comments WHERE task_id = ? ORDER BY created_at ASC, id ASC").all(id) as CommentRow[];
    const doneChildren = children.filter((c) => c.status === "done" || c.status === "archived");
    const sums = latestSummaries(k, doneChildren.map((c) => c.id));
    const child_results = doneChildren.map((c) => ({
      id: c.id, title: c.title, status: c.status, summary: sums.get(c.id)?.summary ?? null, metadata: sums.get(c.id)?.metadata ?? null,
    }));
    return { task, parents, children, comments, events: taskEvents(k, id), runs: listRuns(k, id), child_results };
  })();
}

export interface EventPage {
  events: KanbanEvent[];
  /** The id of the last event returned (or the `since` given when none). */
  cursor: number;
  /** True when `since` is older than the oldest retained event (the client must resync). */
  resync: boolean;
}

/** Events with id > since, in id order: the polling fallback and the WS hub's tail. */
export function eventsSince(k: KernelContext, since: number, limit = 1000): EventPage {
  if (!Number.isInteger(since) || since < 0) throw validation("since must be a non-negative integer event id");
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw validation("limit must be an integer from 1 to 10000");
  const rows = k.stmt("SELECT * FROM task_events WHERE id > ? ORDER BY id ASC LIMIT ?").all(since, limit) as EventRow[];
  // gc removes old events; a cursor older than the oldest retained one cannot resume without a
  // gap, so the client must reload. (A deleted task also leaves a gap; a resync then is harmless.)
  const oldest = since > 0 ? (k.stmt("SELECT MIN(id) AS id FROM task_events").get() as { id: number | null }).id : null;
  const resync = oldest != null && since < oldest - 1;
  return { events: rows.map(toEvent), cursor: rows.length ? rows[rows.length - 1].id : since, resync };
}

export function latestEventId(k: KernelContext): number {
  return (k.stmt("SELECT COALESCE(MAX(id), 0) AS id FROM task_events").get() as { id: number }).id;
}

export interface Stats {
  by_status: Record<string, number>;
  by_assignee: Record<string, Record<string, number>>;
  by_tenant: Record<string, number>;
  total: number;
  running: number;
  ready_unassigned: number;
  runs_by_outcome: Record<string, number>;
  oldest_ready_age_seconds: number | null;
  latest_event_id: number;
}

export function stats(k: KernelContext): Stats {
  const by_status: Record<string, number> = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  const by_assignee: Record<string, Record<string, number>> = {};
  let total = 0;
  for (const r of k.stmt("SELECT assignee, status, COUNT(*) AS n FROM tasks GROUP BY assignee, status").all() as {
    assignee: string | null; status: string; n: number;
  }[]) {
    by_status[r.status] = (by_status[r.status] ?? 0) + r.n;
    const a = r.assignee ?? "(unassigned)";
    (by_assignee[a] ??= {})[r.status] = r.n;
    total += r.n;
  }
  const by_tenant: Record<string, number> = {};
  for (const r of k.stmt("SELECT tenant, COUNT(*) AS n FROM tasks WHERE tenant IS NOT NULL GROUP BY tenant").all() as { tenant: string; n: number }[]) {
    by_tenant[r.tenant] = r.n;
  }
  const runs_by_outcome: Record<string, number> = {};
  for (const r of k.stmt("SELECT COALESCE(outcome, 'open') AS o, COUNT(*) AS n FROM task_runs GROUP BY o").all() as { o: string; n: number }[]) {
    runs_by_outcome[r.o] = r.n;
  }
  const ready = k.stmt("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM tasks WHERE status = 'ready' AND assignee IS NULL").get() as {
    n: number; oldest: number | null;
  };
  const oldestReady = (k.stmt("SELECT MIN(created_at) AS t FROM tasks WHERE status = 'ready'").get() as { t: number | null }).t;
  return {
    by_status, by_assignee, by_tenant, total, running: by_status.running ?? 0, ready_unassigned: ready.n, runs_by_outcome,
    oldest_ready_age_seconds: oldestReady == null ? null : Math.max(0, k.now() - oldestReady),
    latest_event_id: latestEventId(k),
  };
}

export interface AssigneeSummary {
  assignee: string;
  counts: Record<string, number>;
  running: number;
  total: number;
}

/** Every assignee on the board (non-archived tasks) with counts by status. */
export function assignees(k: KernelContext): AssigneeSummary[] {
  const map = new Map<string, AssigneeSummary>();
  for (const r of k.stmt("SELECT assignee, status, COUNT(*) AS n FROM tasks WHERE assignee IS NOT NULL GROUP BY assignee, status").all() as {
    assignee: string; status: string; n: number;
  }[]) {
    const s = map.get(r.assignee) ?? { assignee: r.assignee, counts: {}, running: 0, total: 0 };
    s.counts[r.status] = r.n;
    if (r.status === "running") s.running = r.n;
    if (r.status !== "archived") s.total += r.n;
    map.set(r.assignee, s);
  }
  return [...map.values()].sort((a, b) => a.assignee.localeCompare(b.assignee));
}
