/** The board's pure state helpers: live merges keep untouched columns and card order stable. */
import { describe, expect, it } from "vitest";
import { findCard, moveCard, removeCard, upsertCard } from "@/lib/board-state";
import { buildLanes, laneAssignee } from "@/lib/swimlanes";
import type { BoardCard, BoardData } from "@/lib/board-types";

const card = (id: string, status: BoardCard["status"], extra: Partial<BoardCard> = {}): BoardCard => ({ id, title: id, status, created_at: 100, ...extra }) as BoardCard;

function board(): BoardData {
  const ready = [card("a", "ready", { priority: 2 }), card("b", "ready"), card("c", "ready"), card("d", "ready")];
  const done = [card("e", "done", { assignee: "bot" })];
  return {
    columns: [
      { status: "ready", count: ready.length, cards: ready },
      { status: "done", count: done.length, cards: done },
    ],
    tenants: [], assignees: [], profiles: [], latest_event_id: 0, now: 0,
  };
}

describe("upsertCard", () => {
  it("replaces a card in place when its sort keys are unchanged (ties keep the server's order)", () => {
    const b = board();
    const next = upsertCard(b, card("b", "ready", { title: "renamed" }), true);
    expect(next.columns[0].cards.map((c) => c.id)).toEqual(["a", "b", "c", "d"]);
    expect(findCard(next, "b")?.title).toBe("renamed");
    // The other column is the very same object: its memoised view does not re-render.
    expect(next.columns[1]).toBe(b.columns[1]);
  });

  it("re-sorts when the priority changes and moves between columns with correct counts", () => {
    const b = board();
    const up = upsertCard(b, card("d", "ready", { priority: 5 }), true);
    expect(up.columns[0].cards.map((c) => c.id)).toEqual(["d", "a", "b", "c"]);
    const moved = upsertCard(up, card("a", "done", { priority: 2 }), true);
    expect(moved.columns[0].cards.map((c) => c.id)).toEqual(["d", "b", "c"]);
    expect(moved.columns[0].count).toBe(3);
    expect(moved.columns[1].cards.map((c) => c.id)).toEqual(["a", "e"]);
    expect(moved.columns[1].count).toBe(2);
  });

  it("drops a card that left the view and keeps untouched columns identical", () => {
    const b = board();
    const next = upsertCard(b, card("c", "ready"), false);
    expect(findCard(next, "c")).toBeUndefined();
    expect(next.columns[0].count).toBe(3);
    expect(next.columns[1]).toBe(b.columns[1]);
    expect(removeCard(next, "c")).toBe(next);
  });
});

describe("moveCard", () => {
  it("moves optimistically and can reassign in the same step (swimlane drop)", () => {
    const next = moveCard(board(), "b", "done", "bot");
    expect(findCard(next, "b")).toMatchObject({ status: "done", assignee: "bot" });
    const back = moveCard(next, "e", "ready", null);
    expect(findCard(back, "e")?.assignee).toBeUndefined();
    expect(findCard(back, "e")?.status).toBe("ready");
  });
});

describe("buildLanes", () => {
  it("splits columns by assignee with counts, running and the profile cap", () => {
    const cols = [
      { status: "running" as const, count: 2, cards: [card("r1", "running", { assignee: "bot" }), card("r2", "running")] },
      { status: "ready" as const, count: 1, cards: [card("x", "ready", { assignee: "bot" })] },
    ];
    const lanes = buildLanes(cols, { bot: 3 });
    expect(lanes.map((l) => [l.key, l.total, l.running, l.cap])).toEqual([
      ["bot", 2, 1, 3],
      ["~unassigned", 1, 1, null],
    ]);
    expect(laneAssignee(lanes[0].key)).toBe("bot");
    expect(laneAssignee(lanes[1].key)).toBeNull();
  });
});
