/**
 * Table-driven: every status × every operation, legal and illegal (SPEC §4.1). Each cell sets up
 * a task in the row's status through real kernel operations, applies the column's operation, and
 * checks the resulting status, or that it was refused with the right error and nothing changed.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeFixture, taskIn, dump, invariantViolations, type Fixture } from "./helpers";
import { STATUSES, type Status } from "../server/kernel/types";
import { KanbanError } from "../server/kernel/errors";
import type { Kernel } from "../server/kernel/index";

type Expect = Status | "X" | "V" | "gone" | "="; // X = conflict, V = validation error, = no-op (nothing written)

let f: Fixture;
beforeEach(() => {
  f = makeFixture();
});
afterEach(() => f.cleanup());

const OPS: Record<string, (k: Kernel, id: string) => unknown> = {
  claim: (k, id) => k.claim(id),
  heartbeat: (k, id) => k.heartbeat(id, { note: "alive" }),
  complete: (k, id) => k.complete(id, { summary: "finished" }),
  block: (k, id) => k.block(id, { reason: "stuck" }),
  unblock: (k, id) => k.unblock(id),
  assign: (k, id) => k.assign(id, "other-profile"),
  reclaim: (k, id) => k.reclaim(id),
  archive: (k, id) => k.archive(id),
  delete: (k, id) => k.delete(id),
  edit: (k, id) => k.edit(id, { title: "renamed", priority: 5 }),
  comment: (k, id) => k.comment(id, "alice", "a note"),
};

// rows: from-status; columns in OPS order.
//                claim      heartbeat  complete  block      unblock  assign     reclaim  archive     delete  edit       comment
const TABLE: Record<Status, Expect[]> = {
  triage:    ["X",        "X",       "X",      "blocked", "X",     "triage",  "X",     "archived", "gone", "triage",  "triage"],
  todo:      ["X",        "X",       "X",      "blocked", "X",     "todo",    "X",     "archived", "gone", "todo",    "todo"],
  scheduled: ["X",        "X",       "X",      "blocked", "ready", "scheduled","X",    "archived", "gone", "scheduled","scheduled"],
  ready:     ["running",  "X",       "done",   "blocked", "X",     "ready",   "X",     "archived", "gone", "ready",   "ready"],
  running:   ["X",        "running", "done",   "blocked", "X",     "X",       "ready", "archived", "gone", "running", "running"],
  blocked:   ["X",        "X",       "done",   "X",       "ready", "blocked", "X",     "archived", "gone", "blocked", "blocked"],
  review:    ["X",        "X",       "done",   "blocked", "X",     "review",  "X",     "archived", "gone", "review",  "review"],
  done:      ["X",        "X",       "X",      "X",       "X",     "done",    "X",     "archived", "gone", "done",    "done"],
  archived:  ["X",        "X",       "X",      "X",       "X",     "archived","X",     "X",        "gone", "archived","archived"],
};

function check(from: Status, label: string, expected: Expect, op: (k: Kernel, id: string) => unknown) {
  const id = taskIn(f, from);
  const before = dump(f.k);
  let err: unknown = null;
  try {
    op(f.k, id);
  } catch (e) {
    err = e;
  }
  if (expected === "X" || expected === "V") {
    expect(err, `${from} × ${label} should be refused`).toBeInstanceOf(KanbanError);
    expect((err as KanbanError).code).toBe(expected === "X" ? "conflict" : "validation");
    expect(dump(f.k), "a refused operation changes nothing").toBe(before);
    return;
  }
  if (err) throw err;
  if (expected === "=") {
    expect(f.k.task(id).status).toBe(from);
    expect(dump(f.k), "a same-status move writes nothing").toBe(before);
    return;
  }
  if (expected === "gone") {
    expect(f.k.db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE id = ?").get(id)).toEqual({ n: 0 });
  } else {
    expect(f.k.task(id).status, `${from} × ${label}`).toBe(expected);
    expect(dump(f.k), "a legal operation writes at least one event").not.toBe(before);
  }
  expect(invariantViolations(f.k)).toEqual([]);
}

describe("status × operation", () => {
  const names = Object.keys(OPS);
  for (const from of STATUSES) {
    names.forEach((name, i) => {
      it(`${from} × ${name} → ${TABLE[from][i]}`, () => check(from, name, TABLE[from][i], OPS[name]));
    });
  }
});

// Direct moves (board drag / PATCH). Tasks other than the todo one have no parents, so a move to
// todo is promoted straight to ready (todo means "waiting on parents", SPEC §3.2 #5).
//                 triage     todo     scheduled ready    running blocked    review    done    archived
const MOVES: Record<Status, Expect[]> = {
  triage:    ["=",       "ready", "V",      "ready",  "X",    "blocked", "review", "X",    "archived"],
  todo:      ["triage",  "=",     "V",      "X",      "X",    "blocked", "review", "X",    "archived"],
  scheduled: ["triage",  "ready", "=",      "ready","X",    "blocked", "review", "X",    "archived"],
  ready:     ["triage",  "ready", "V",      "=",      "X",    "blocked", "review", "done", "archived"],
  running:   ["X",       "X",     "X",      "X",      "=",    "blocked","X",     "done", "archived"],
  blocked:   ["triage",  "ready", "V",      "ready",  "X",    "=",       "review", "done", "archived"],
  review:    ["triage",  "ready", "V",      "ready",  "X",    "blocked", "=",      "done", "archived"],
  done:      ["triage",  "ready", "V",      "ready",  "X",    "X",       "review", "=",    "archived"],
  archived:  ["triage",  "ready", "V",      "ready",  "X",    "X",       "review", "X",    "="],
};

describe("direct status moves", () => {
  for (const from of STATUSES) {
    STATUSES.forEach((to, i) => {
      it(`move ${from} → ${to} gives ${MOVES[from][i]}`, () =>
        check(from, `move ${to}`, MOVES[from][i], (k, id) => k.move(id, { status: to, summary: "via board", reason: "via board" })));
    });
  }

  it("moving to done without a summary, or to blocked without a reason, is a validation error", () => {
    const id = taskIn(f, "ready");
    const before = dump(f.k);
    expect(() => f.k.move(id, { status: "done" })).toThrow(/summary/);
    expect(() => f.k.move(id, { status: "blocked", reason: "  " })).toThrow(/reason/);
    expect(() => f.k.move(id, { status: "sideways" })).toThrow(/status must be one of/);
    expect(dump(f.k)).toBe(before);
  });

  it("a refused move to ready names the blocking parents", () => {
    const p1 = f.k.create({ title: "p1" }).task.id;
    const p2 = f.k.create({ title: "p2" }).task.id;
    const c = f.k.create({ title: "c", parents: [p1, p2], triage: true }).task.id;
    f.k.complete(p1, { summary: "ok" });
    try {
      f.k.move(c, { status: "ready" });
      expect.unreachable();
    } catch (e) {
      expect((e as KanbanError).code).toBe("conflict");
      expect((e as KanbanError).message).toContain(p2);
      expect((e as KanbanError).message).not.toContain(p1);
      expect((e as KanbanError).details).toEqual({ blocking_parents: [p2] });
    }
  });

  it("reopening a done parent demotes its ready children to todo", () => {
    const p = f.k.create({ title: "p" }).task.id;
    const c = f.k.create({ title: "c", parents: [p] }).task.id;
    f.k.complete(p, { summary: "ok" });
    expect(f.k.task(c).status).toBe("ready");
    f.k.move(p, { status: "review" });
    expect(f.k.task(c).status).toBe("todo");
    expect(f.k.task(p).completed_at).toBeNull();
    expect(invariantViolations(f.k)).toEqual([]);
  });
});
