/** Swimlanes by assignee: the same columns, split into one row per assignee plus "Unassigned". */
import type { BoardColumn } from "./board-types";

export interface Lane {
  key: string;
  label: string;
  assignee: string | null;
  columns: BoardColumn[];
  total: number;
  running: number;
  /** The assignee's profile cap on running tasks (null: none, or not a configured profile). */
  cap: number | null;
}

const UNASSIGNED = "~unassigned";
/** The assignee a lane key stands for (the Unassigned lane: null). */
export const laneAssignee = (key: string): string | null => (key === UNASSIGNED ? null : key);

export function buildLanes(columns: BoardColumn[], caps: Record<string, number | null> = {}): Lane[] {
  const names = new Set<string>();
  let unassigned = false;
  for (const col of columns) for (const c of col.cards) c.assignee ? names.add(c.assignee) : (unassigned = true);
  const lanes: (string | null)[] = [...[...names].sort(), ...(unassigned || !names.size ? [null] : [])];
  return lanes.map((a) => {
    const cols = columns.map((col) => {
      const cards = col.cards.filter((c) => (c.assignee ?? null) === a);
      return { ...col, cards, count: cards.length };
    });
    return {
      key: a ?? UNASSIGNED,
      label: a ?? "Unassigned",
      assignee: a,
      columns: cols,
      total: cols.reduce((n, c) => n + c.count, 0),
      running: cols.find((c) => c.status === "running")?.count ?? 0,
      cap: a ? (caps[a] ?? null) : null,
    };
  });
}
