/**
 * The board read model (SPEC §9 GET /api/board, §11): columns with cards. A card is the task
 * without its heavy text (body, result) plus link and comment counts, children progress, the
 * latest summary, what a todo card waits on, why a blocked card is blocked, and vital signs of a
 * running card. Every aggregate is one grouped query over the whole board, never one per card, so
 * 10k tasks cost a handful of scans.
 */
import type { TaskRow } from "../../db/schema";
import type { KernelContext } from "./context";
import { failureLimitFor } from "./internal";
import { latestEventId } from "./queries";
import { parseJson, type Status } from "./types";

export const BOARD_COLUMNS: Status[] = ["triage", "todo", "scheduled", "ready", "running", "blocked", "review", "done"];

export interface VitalSigns {
  heartbeat_age_seconds: number | null;
  claim_ttl_seconds: number;
  claim_expires_in_seconds: number | null;
  elapsed_seconds: number | null;
  max_runtime_seconds: number | null;
  attempt: number;
  attempt_limit: number;
  last_heartbeat_note: string | null;
}

type CardRow = Pick<TaskRow, (typeof CARD_FIELDS)[number]>;

/**
 * A card is sparse: a field that is null, zero or empty is left out (absent = null / 0 / []).
 * Most of a big board's cards are plain todo/done tasks, so this halves the payload and the time
 * to serialise it. `id`, `title`, `status` and `created_at` are always there.
 */
export type BoardCard = Pick<CardRow, "id" | "title" | "status" | "created_at"> &
  Partial<Omit<CardRow, "id" | "title" | "status" | "created_at" | "skills">> & {
    skills?: string[];
    parent_count?: number;
    child_count?: number;
    children_done?: number;
    comment_count?: number;
    latest_summary?: string;
    waiting_on?: string[];
    block_reason?: string;
    vitals?: VitalSigns;
  };

export interface BoardFilter {
  /** Only these cards (the board refreshing what changed); the other filters still apply. */
  ids?: string[] | null;
  tenant?: string | null;
  assignee?: string | null;
  q?: string | null;
  includeArchived?: boolean;
}

export interface Board {
  columns: { status: Status; count: number; cards: BoardCard[] }[];
  tenants: string[];
  assignees: string[];
  latest_event_id: number;
  now: number;
}

/**
 * What a card shows (SPEC §11); the drawer fetches the full task. Leaving out the body, result
 * and the claim/workflow bookkeeping keeps a 10k-task board payload small enough to ship fast.
 */
const CARD_FIELDS = [
  "id", "title", "assignee", "status", "priority", "created_at", "started_at", "completed_at", "workspace_kind",
  "claim_expires", "tenant", "consecutive_failures", "worker_pid", "last_failure_error", "max_runtime_seconds",
  "last_heartbeat_at", "current_run_id", "skills", "max_retries", "block_kind", "scheduled_at", "position",
] as const;
const CARD_COLUMNS = CARD_FIELDS.join(", ");

function countMap(rows: { id: string; n: number }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.id, r.n);
  return m;
}

export function boardQuery(k: KernelContext, f: BoardFilter = {}): Board {
  return k.db.transaction(() => buildBoard(k, f))();
}

/**
 * Cards by id, in board format, for a live board that refetches only what changed. Ids that do
 * not come back are not on this view any more (deleted, archived, or filtered out).
 */
export function boardCards(k: KernelContext, ids: string[], f: Omit<BoardFilter, "ids"> = {}): { cards: BoardCard[]; missing: string[]; latest_event_id: number; now: number } {
  // A change to a task also changes its parents' cards (children progress, link counts), and an
  // event names only the task itself: bring the parents along.
  const parents = k
    .stmt("SELECT DISTINCT parent_id AS id FROM task_links WHERE child_id IN (SELECT value FROM json_each(?))")
    .all(JSON.stringify(ids)) as { id: string }[];
  const wanted = [...new Set([...ids, ...parents.map((p) => p.id)])];
  const b = boardQuery(k, { ...f, ids: wanted });
  const cards = b.columns.flatMap((c) => c.cards);
  const found = new Set(cards.map((c) => c.id));
  return { cards, missing: wanted.filter((id) => !found.has(id)), latest_event_id: b.latest_event_id, now: b.now };
}

function buildBoard(k: KernelContext, f: BoardFilter): Board {
  const now = k.now();
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  // With ids, every aggregate below is restricted to those tasks, so a refresh of a few cards
  // costs a few index lookups, not a pass over the whole board.
  const idsJson = f.ids ? JSON.stringify(f.ids) : null;
  const scope = (col: string) => (idsJson ? ` AND ${col} IN (SELECT value FROM json_each(@ids))` : "");
  const all = (sql: string) => (idsJson ? k.stmt(sql).all({ ids: idsJson }) : k.stmt(sql).all());
  if (idsJson) {
    where.push("id IN (SELECT value FROM json_each(@ids))");
    params.ids = idsJson;
  }
  if (!f.includeArchived) where.push("status != 'archived'");
  if (f.tenant) {
    where.push("tenant = @tenant");
    params.tenant = f.tenant;
  }
  if (f.assignee) {
    if (f.assignee === "none") where.push("assignee IS NULL");
    else {
      where.push("assignee = @assignee");
      params.assignee = f.assignee.toLowerCase();
    }
  }
  if (f.q && f.q.trim()) {
    where.push("(id LIKE @q ESCAPE '\\' OR title LIKE @q ESCAPE '\\' OR body LIKE @q ESCAPE '\\' OR assignee LIKE @q ESCAPE '\\' OR tenant LIKE @q ESCAPE '\\')");
    params.q = `%${f.q.trim().replace(/[\\%_]/g, (c) => "\\" + c)}%`;
  }
  const rows = k.db
    .prepare(
      `SELECT ${CARD_COLUMNS} FROM tasks ${where.length ? "WHERE " + where.join(" AND ") : ""}
       ORDER BY (position IS NULL), position, priority DESC, created_at, rowid`,
    )
    .all(params) as CardRow[];

  const parents = countMap(all(`SELECT child_id AS id, COUNT(*) AS n FROM task_links WHERE 1${scope("child_id")} GROUP BY child_id`) as never);
  const children = new Map<string, { n: number; done: number }>();
  for (const r of all(
    `SELECT l.parent_id AS id, COUNT(*) AS n, SUM(c.status IN ('done','archived')) AS done
     FROM task_links l JOIN tasks c ON c.id = l.child_id WHERE 1${scope("l.parent_id")} GROUP BY l.parent_id`,
  ) as { id: string; n: number; done: number }[]) {
    children.set(r.id, { n: r.n, done: r.done });
  }
  const comments = countMap(all(`SELECT task_id AS id, COUNT(*) AS n FROM task_comments WHERE 1${scope("task_id")} GROUP BY task_id`) as never);
  const summaries = new Map<string, string>();
  for (const r of all(
    `SELECT task_id AS id, summary FROM task_runs WHERE id IN
       (SELECT MAX(id) FROM task_runs WHERE summary IS NOT NULL${scope("task_id")} GROUP BY task_id)`,
  ) as { id: string; summary: string }[]) {
    summaries.set(r.id, r.summary.length > 300 ? r.summary.slice(0, 299) + "…" : r.summary);
  }
  const waiting = new Map<string, string[]>();
  for (const r of all(
    `SELECT l.child_id AS id, l.parent_id AS parent FROM task_links l
     JOIN tasks c ON c.id = l.child_id JOIN tasks p ON p.id = l.parent_id
     WHERE c.status IN ('todo','ready','scheduled') AND p.status NOT IN ('done','archived')${scope("l.child_id")} ORDER BY l.parent_id`,
  ) as { id: string; parent: string }[]) {
    (waiting.get(r.id) ?? waiting.set(r.id, []).get(r.id)!).push(r.parent);
  }
  const lastPayload = (kinds: string, status: string) => {
    const m = new Map<string, Record<string, unknown>>();
    for (const r of all(
      `SELECT e.task_id AS id, e.payload FROM task_events e WHERE e.id IN (
         SELECT MAX(e2.id) FROM task_events e2 JOIN tasks t ON t.id = e2.task_id
         WHERE t.status = '${status}' AND e2.kind IN (${kinds})${scope("t.id")} GROUP BY e2.task_id)`,
    ) as { id: string; payload: string | null }[]) {
      const p = parseJson(r.payload);
      if (p && typeof p === "object") m.set(r.id, p as Record<string, unknown>);
    }
    return m;
  };
  const blockReasons = lastPayload("'blocked','gave_up','dependency_wait'", "blocked");
  const beats = lastPayload("'heartbeat'", "running");
  const runStarts = new Map<string, number>();
  for (const r of all(
    `SELECT t.id AS id, r.started_at AS s FROM tasks t JOIN task_runs r ON r.id = t.current_run_id WHERE t.status = 'running'${scope("t.id")}`,
  ) as { id: string; s: number }[]) {
    runStarts.set(r.id, r.s);
  }

  const columns = new Map<Status, BoardCard[]>();
  for (const s of BOARD_COLUMNS) columns.set(s, []);
  if (f.includeArchived) columns.set("archived", []);
  for (const t of rows) {
    const ch = children.get(t.id);
    const skills = parseJson(t.skills);
    const status = t.status as Status;
    let block_reason: string | null = null;
    if (status === "blocked") {
      const p = blockReasons.get(t.id);
      block_reason = (p?.reason as string) ?? (p?.error as string) ?? t.last_failure_error ?? null;
    }
    let vitals: VitalSigns | null = null;
    if (status === "running") {
      const started = runStarts.get(t.id) ?? t.started_at;
      vitals = {
        heartbeat_age_seconds: t.last_heartbeat_at != null ? Math.max(0, now - t.last_heartbeat_at) : null,
        claim_ttl_seconds: k.config.claimTtlSeconds,
        claim_expires_in_seconds: t.claim_expires != null ? t.claim_expires - now : null,
        elapsed_seconds: started != null ? Math.max(0, now - started) : null,
        max_runtime_seconds: t.max_runtime_seconds,
        attempt: t.consecutive_failures + 1,
        attempt_limit: failureLimitFor(k, t),
        last_heartbeat_note: (beats.get(t.id)?.note as string) ?? null,
      };
    }
    const card: Record<string, unknown> = {};
    for (const f of CARD_FIELDS) {
      const v = t[f];
      if (v !== null && (v !== 0 || f === "position") && f !== "skills") card[f] = v;
    }
    if (card.workspace_kind === "scratch") delete card.workspace_kind; // the default
    if (Array.isArray(skills) && skills.length) card.skills = skills.map(String);
    const extras: [string, unknown][] = [
      ["parent_count", parents.get(t.id)], ["child_count", ch?.n], ["children_done", ch?.done],
      ["comment_count", comments.get(t.id)], ["latest_summary", summaries.get(t.id)], ["waiting_on", waiting.get(t.id)],
      ["block_reason", block_reason], ["vitals", vitals],
    ];
    for (const [key, v] of extras) if (v != null && v !== 0) card[key] = v;
    (columns.get(status) ?? columns.set(status, []).get(status)!).push(card as BoardCard);
  }
  return {
    columns: [...columns.entries()].map(([status, cards]) => ({ status, count: cards.length, cards })),
    // Filter choices come from the whole board, not just the filtered rows.
    tenants: (k.stmt("SELECT DISTINCT tenant AS v FROM tasks WHERE tenant IS NOT NULL ORDER BY tenant").all() as { v: string }[]).map((r) => r.v),
    assignees: (k.stmt("SELECT DISTINCT assignee AS v FROM tasks WHERE assignee IS NOT NULL ORDER BY assignee").all() as { v: string }[]).map((r) => r.v),
    latest_event_id: latestEventId(k),
    now,
  };
}
