/**
 * Pure board-state helpers: merge changed tasks into the columns, remove deleted ones, move a card
 * optimistically. The live hook feeds them; nothing here touches the network or the DOM.
 */
import type { BoardCard, BoardColumn, BoardData, Status, Task } from "./board-types";

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

export function findCard(board: BoardData, id: string): BoardCard | undefined {
  for (const col of board.columns) {
    const c = col.cards.find((x) => x.id === id);
    if (c) return c;
  }
  return undefined;
}

/**
 * Columns that do not hold the card keep their identity (same object, same card array), so a
 * live change re-renders only the columns it touches.
 */
const without = (col: BoardColumn, id: string): BoardColumn => {
  if (!col.cards.some((x) => x.id === id)) return col;
  const cards = col.cards.filter((x) => x.id !== id);
  return { ...col, cards, count: cards.length };
};

export function removeCard(board: BoardData, id: string): BoardData {
  if (!findCard(board, id)) return board;
  return { ...board, columns: board.columns.map((c) => without(c, id)) };
}

/** Puts `card` into its status column (replacing any old copy), or drops it when filtered out. */
export function upsertCard(board: BoardData, card: BoardCard, visible: boolean): BoardData {
  // Same column and same sort keys (a title edit, a heartbeat): replace in place, so the card keeps
  // its place among equal keys (the server breaks those ties by insertion order, which we cannot see).
  if (visible) {
    const col = board.columns.find((c) => c.status === card.status);
    const i = col ? col.cards.findIndex((x) => x.id === card.id) : -1;
    if (col && i >= 0 && compareCards(col.cards[i], card) === 0 && (col.cards[i].position ?? null) === (card.position ?? null)) {
      const cards = col.cards.slice();
      cards[i] = card;
      return { ...board, columns: board.columns.map((c) => (c === col ? { ...c, cards } : c)) };
    }
  }
  let columns = board.columns.map((c) => without(c, card.id));
  if (visible) {
    if (!columns.some((c) => c.status === card.status)) columns = [...columns, { status: card.status as Status, count: 0, cards: [] }];
    columns = columns.map((c) => {
      if (c.status !== card.status) return c;
      const cards = [...c.cards, card].sort(compareCards);
      return { ...c, cards, count: cards.length };
    });
  }
  return { ...board, columns };
}

/** Optimistic move: the card shows in the target column at once. */
export function moveCard(board: BoardData, id: string, status: Status, assignee?: string | null): BoardData {
  const card = findCard(board, id);
  if (!card) return board;
  const moved: BoardCard = { ...card, status };
  if (assignee !== undefined) {
    if (assignee) moved.assignee = assignee;
    else delete moved.assignee;
  }
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
