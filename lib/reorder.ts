/**
 * Reordering within a column: which cards get which `position` so the order the user dropped
 * persists. Positioned cards sort first (by position), unpositioned ones after them (priority,
 * created), so only the moved card usually needs a new position: the midpoint of its neighbours.
 */
import type { BoardCard } from "./board-types";

const STEP = 1024;

/** `cards` in their shown order; moves `activeId` to the index of `overId`. Null when nothing changes. */
export function planReorder(cards: BoardCard[], activeId: string, overId: string): Map<string, number> | null {
  const from = cards.findIndex((c) => c.id === activeId);
  const to = cards.findIndex((c) => c.id === overId);
  if (from < 0 || to < 0 || from === to) return null;
  const order = cards.slice();
  const [moved] = order.splice(from, 1);
  order.splice(to, 0, moved);
  const out = new Map<string, number>();
  const renumber = (upTo: number) => {
    order.slice(0, upTo + 1).forEach((c, k) => {
      const p = (k + 1) * STEP;
      if (c.position !== p || c.id === moved.id) out.set(c.id, p);
    });
    return out;
  };
  // An unpositioned card above the drop point: give everything up to the moved card positions.
  if (order.slice(0, to).some((c) => c.position == null)) return renumber(to);
  const prev = to > 0 ? (order[to - 1].position as number) : null;
  const next = order[to + 1]?.position ?? null;
  if (prev !== null && next !== null) {
    if (!(prev < next)) return renumber(Math.max(to + 1, order.findLastIndex((c) => c.position != null)));
    out.set(moved.id, (prev + next) / 2);
  } else if (prev !== null) out.set(moved.id, prev + STEP);
  else if (next !== null) out.set(moved.id, next - STEP);
  else out.set(moved.id, STEP);
  return out;
}
