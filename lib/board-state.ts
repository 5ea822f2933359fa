/**
 * Pure board-state helpers: merge changed tasks into the columns, remove deleted ones, move a card
 * optimistically. The live hook feeds them; nothing here touches the network or the DOM.
 */
import type { BoardCard, BoardData, BoardFilters, Status, Task } from "./board-types";

const CARD_FIELDS = [
  "id", "title", "assignee", "status", "priority", "created_at", "started_at", "completed_at", "workspace_kind",
  "claim_expires", "tenant", "consecutive_failures", "worker_pid", "last_failure_error", "max_runtime_seconds",
  "last_heartbeat_at", "current_run_id", "max_retries", "block_kind", "scheduled_at", "position",
] as const;

/** Kept from the previous card: aggregates only the board query computes. */
const AGGREGATES = ["parent_count", "child_count", "children_done", "comment_count", "latest_summary"] as const;

/** Turns a full task (GET /api/tasks?ids) into a sparse card, keeping the old card's aggregates. */
export function cardFromTask(t: Task, prev?: BoardCard): BoardCard {
  const card: Record<string, unknown> = {};
  for (const f of CARD_FIELDS) {
    const v = (t as Record<string, unknown>)[f];
    if (v !== null && v !== undefined && (v !== 0 || f === "position")) card[f] = v;
  }
  if (card.workspace_kind === "scratch") delete card.workspace_kind;
  if (t.skills?.length) card.skills = t.skills;
  if (prev) {
    for (const a of AGGREGATES) if (prev[a] != null) card[a] = prev[a];
    if (prev.status === t.status) {
      if (prev.waiting_on) card.waiting_on = prev.waiting_on;
      if (prev.block_reason) card.block_reason = prev.block_reason;
      if (prev.vitals) card.vitals = prev.vitals;
    }
  }
  if (t.status === "blocked" && !card.block_reason && t.last_failure_error) card.block_reason = t.last_failure_error;
  return card as BoardCard;
}

export function matchesFilters(c: BoardCard, f: BoardFilters, body?: string | null): boolean {
  if (c.status === "archived" && !f.archived) return false;
  if (f.tenant && c.tenant !== f.tenant) return false;
  if (f.assignee === "none" ? c.assignee : f.assignee && c.assignee !== f.assignee.toLowerCase()) return false;
  const q = f.q.trim().toLowerCase();
  if (q) {
    const hay = [c.id, c.title, c.assignee, c.tenant, body].filter(Boolean).join("\n").toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

export function compareCards(a: BoardCard, b: BoardCard): number {
  const pa = a.position ?? null;
  const pb = b.position ?? null;
  if (pa !== pb) {
    if (pa === null) return 1;
    if (pb === null) return -1;
    return pa - pb;
  }
  const pr = (b.priority ?? 0) - (a.priority ?? 0);
  if (pr) return pr;
  // Ties keep their current order (Array.prototype.sort is stable): the server's rowid order.
  return a.created_at - b.created_at;
}

function withCounts(board: BoardData): BoardData {
  return { ...board, columns: board.columns.map((c) => ({ ...c, count: c.cards.length })) };
}

export function findCard(board: BoardData, id: string): BoardCard | undefined {
  for (const col of board.columns) {
    const c = col.cards.find((x) => x.id === id);
    if (c) return c;
  }
  return undefined;
}

export function removeCard(board: BoardData, id: string): BoardData {
  if (!findCard(board, id)) return board;
  return withCounts({ ...board, columns: board.columns.map((c) => ({ ...c, cards: c.cards.filter((x) => x.id !== id) })) });
}

/** Puts `card` into its status column (replacing any old copy), or drops it when filtered out. */
export function upsertCard(board: BoardData, card: BoardCard, visible: boolean): BoardData {
  const without = board.columns.map((c) => ({ ...c, cards: c.cards.filter((x) => x.id !== card.id) }));
  if (!visible) return withCounts({ ...board, columns: without });
  let columns = without;
  if (!columns.some((c) => c.status === card.status)) columns = [...columns, { status: card.status as Status, count: 0, cards: [] }];
  columns = columns.map((c) => (c.status === card.status ? { ...c, cards: [...c.cards, card].sort(compareCards) } : c));
  return withCounts({ ...board, columns });
}

/** Optimistic move: the card shows in the target column at once. */
export function moveCard(board: BoardData, id: string, status: Status): BoardData {
  const card = findCard(board, id);
  if (!card) return board;
  const moved: BoardCard = { ...card, status };
  delete moved.vitals;
  if (status !== "blocked") delete moved.block_reason;
  return upsertCard(board, moved, true);
}

/** Optimistic reorder: new positions for some cards, each column re-sorted. */
export function setPositions(board: BoardData, positions: Map<string, number>): BoardData {
  return {
    ...board,
    columns: board.columns.map((col) =>
      col.cards.some((c) => positions.has(c.id))
        ? { ...col, cards: col.cards.map((c) => (positions.has(c.id) ? { ...c, position: positions.get(c.id) } : c)).sort(compareCards) }
        : col,
    ),
  };
}
