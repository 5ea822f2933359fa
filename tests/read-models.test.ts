/** Read models: board, detail, events since a cursor, stats, assignees and the worker brief. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeFixture, type Fixture } from "./helpers";

let f: Fixture;
beforeEach(() => {
  f = makeFixture();
});
afterEach(() => f.cleanup());

describe("board", () => {
  it("returns every column with card aggregates", () => {
    const k = f.k;
    const parent = k.create({ title: "Parent", assignee: "dev", tenant: "acme", skills: ["git"] }).task.id;
    const c1 = k.create({ title: "child one", parents: [parent] }).task.id;
    const c2 = k.create({ title: "child two", parents: [parent] }).task.id;
    k.comment(parent, "amy", "first");
    k.comment(parent, "bob", "second");
    const blocked = k.create({ title: "blocked one" }).task.id;
    k.block(blocked, { reason: "needs API key", kind: "needs_input" });
    const run = k.create({ title: "runner", assignee: "dev", max_runtime_seconds: 600 }).task.id;
    const { run_id } = k.claim(run, { workerPid: 5 });
    f.clock.advance(120);
    k.heartbeat(run, { runId: run_id, note: "compiling" });
    f.clock.advance(30);
    const done = k.create({ title: "shipped" }).task.id;
    k.complete(done, { summary: "it is live" });
    k.archive(k.create({ title: "old" }).task.id);

    const b = k.board();
    expect(b.columns.map((c) => c.status)).toEqual(["triage", "todo", "scheduled", "ready", "running", "blocked", "review", "done"]);
    const card = (id: string) => b.columns.flatMap((c) => c.cards).find((x) => x.id === id)!;
    expect(card(parent)).toMatchObject({ child_count: 2, comment_count: 2, skills: ["git"], tenant: "acme" });
    // Sparse cards: null, zero and empty fields are left out (absent = null / 0 / []).
    for (const absent of ["body", "children_done", "parent_count", "vitals", "block_reason", "priority", "started_at"]) {
      expect(card(parent)).not.toHaveProperty(absent);
    }
    expect(card(c1)).toMatchObject({ status: "todo", parent_count: 1, waiting_on: [parent] });
    expect(card(blocked).block_reason).toBe("needs API key");
    expect(card(run).vitals).toEqual({
      heartbeat_age_seconds: 30, claim_ttl_seconds: 900, claim_expires_in_seconds: 870, elapsed_seconds: 150,
      max_runtime_seconds: 600, attempt: 1, attempt_limit: 2, last_heartbeat_note: "compiling",
    });
    expect(card(done).latest_summary).toBe("it is live");
    expect(b.columns.find((c) => c.status === "todo")!.count).toBe(2);
    expect(b.latest_event_id).toBe(k.latestEventId());
    expect(b.now).toBe(f.clock.now());
    expect(b.tenants).toEqual(["acme"]);
    expect(b.assignees).toEqual(["dev"]);
    expect(b.columns.flatMap((c) => c.cards).some((x) => x.title === "old")).toBe(false);

    k.archive(c1);
    expect(k.board().columns.flatMap((c) => c.cards).find((x) => x.id === parent)!.children_done).toBe(1);
    k.edit(parent, { position: 0 });
    expect(k.board().columns.flatMap((c) => c.cards).find((x) => x.id === parent)!.position).toBe(0); // 0 is a real position
    void c2;
  });

  it("filters by tenant, assignee, search text (id, title, body; LIKE wildcards literal) and shows archived on request", () => {
    const k = f.k;
    const a = k.create({ title: "Fix login", body: "the OAuth callback 100% fails", tenant: "auth", assignee: "dev" }).task.id;
    const b = k.create({ title: "Write post", tenant: "blog", assignee: "writer" }).task.id;
    const c = k.create({ title: "un_derscore" }).task.id;
    k.archive(k.create({ title: "Fix archived" }).task.id);
    const ids = (filter: Parameters<typeof k.board>[0]) => k.board(filter).columns.flatMap((x) => x.cards).map((x) => x.id).sort();
    expect(ids({ tenant: "auth" })).toEqual([a]);
    expect(ids({ assignee: "WRITER" })).toEqual([b]);
    expect(ids({ assignee: "none" })).toEqual([c]);
    expect(ids({ q: "oauth" })).toEqual([a]);
    expect(ids({ q: "100%" })).toEqual([a]);
    expect(ids({ q: "%" })).toEqual([a]);
    expect(ids({ q: "n_d" })).toEqual([c]);
    expect(ids({ q: "n%d" })).toEqual([]);
    expect(ids({ q: b })).toEqual([b]);
    expect(ids({ q: "fix" })).toEqual([a]);
    const withArchived = k.board({ includeArchived: true, q: "fix" });
    expect(withArchived.columns.at(-1)!.status).toBe("archived");
    expect(withArchived.columns.at(-1)!.count).toBe(1);
  });

  it("cards by id equal the full board's cards, restricted to the view; ids off the view are missing", () => {
    const k = f.k;
    const p = k.create({ title: "parent", tenant: "acme" }).task.id;
    const c = k.create({ title: "child", parents: [p], tenant: "acme" }).task.id;
    k.comment(p, "amy", "x");
    const r = k.create({ title: "runner", assignee: "dev" }).task.id;
    k.claim(r, { workerPid: 3 });
    k.heartbeat(r, { note: "going" });
    const b = k.create({ title: "blocked" }).task.id;
    k.block(b, { reason: "why not" });
    const gone = k.create({ title: "gone" }).task.id;
    k.archive(gone);
    const full = new Map(k.board().columns.flatMap((x) => x.cards).map((x) => [x.id, x]));
    const some = k.boardCards([p, c, r, b, gone, "t_nothere0"]);
    expect(some.cards.map((x) => x.id).sort()).toEqual([p, c, r, b].sort());
    for (const card of some.cards) expect(card).toEqual(full.get(card.id));
    expect(some.missing).toEqual([gone, "t_nothere0"]);
    expect(k.boardCards([p, r], { tenant: "acme" }).missing).toEqual([r]);
    expect(k.boardCards([gone], { includeArchived: true }).cards[0].status).toBe("archived");
  });

  it("orders a column by manual position first, then priority and age", () => {
    const k = f.k;
    const low = k.create({ title: "low", priority: 1 }).task.id;
    const high = k.create({ title: "high", priority: 9 }).task.id;
    const pinned = k.create({ title: "pinned", priority: 0, position: 1 }).task.id;
    expect(k.board().columns.find((c) => c.status === "ready")!.cards.map((c) => c.id)).toEqual([pinned, high, low]);
  });
});

describe("detail, events, stats", () => {
  it("detail has parents, children, comments, events, runs and child results", () => {
    const k = f.k;
    const p = k.create({ title: "p" }).task.id;
    const c = k.create({ title: "c", parents: [p] }).task.id;
    k.complete(p, { summary: "parent done", metadata: { k: 1 } });
    const { run_id } = k.claim(c);
    k.complete(c, { runId: run_id, summary: "child done", metadata: { answer: 42 } });
    k.comment(p, "amy", "nice");
    const d = k.detail(p);
    expect(d.task.id).toBe(p);
    expect(d.children.map((x) => x.id)).toEqual([c]);
    expect(d.comments.map((x) => x.body)).toEqual(["nice"]);
    expect(d.events.map((e) => e.kind)).toEqual(["created", "completed", "commented"]);
    expect(d.events[1].payload).toEqual({ summary: "parent done", result_len: 0 });
    expect(d.runs.map((r) => r.metadata)).toEqual([{ k: 1 }]);
    expect(d.child_results).toEqual([{ id: c, title: "c", status: "done", summary: "child done", metadata: { answer: 42 } }]);
    expect(k.detail(c).parents.map((x) => x.id)).toEqual([p]);
    expect(() => k.detail("t_00ffffff")).toThrow(/not found/);
  });

  it("eventsSince pages in id order, resumes from a cursor, and asks for a resync past gc", () => {
    const k = f.k;
    for (let i = 0; i < 10; i++) k.create({ title: `t${i}` });
    const all = k.eventsSince(0, 1000);
    expect(all.events.length).toBe(10);
    const page1 = k.eventsSince(0, 4);
    expect(page1.events.map((e) => e.id)).toEqual(all.events.slice(0, 4).map((e) => e.id));
    const page2 = k.eventsSince(page1.cursor, 4);
    expect(page2.events[0].id).toBe(page1.cursor + 1);
    expect(k.eventsSince(all.cursor).events).toEqual([]);
    expect(k.eventsSince(all.cursor).cursor).toBe(all.cursor);
    expect(() => k.eventsSince(-1)).toThrow(/since/);
    expect(() => k.eventsSince(0, 0)).toThrow(/limit/);
    k.db.prepare("DELETE FROM task_events WHERE id <= 5").run(); // what gc does to old events
    expect(k.eventsSince(2).resync).toBe(true);
    expect(k.eventsSince(5).resync).toBe(false);
  });

  it("stats and assignees count by status and assignee", () => {
    const k = f.k;
    k.create({ title: "a", assignee: "dev" });
    const b = k.create({ title: "b", assignee: "dev" }).task.id;
    k.claim(b);
    k.create({ title: "c" });
    const s = k.stats();
    expect(s.by_status).toMatchObject({ ready: 2, running: 1, done: 0 });
    expect(s.by_assignee).toEqual({ dev: { ready: 1, running: 1 }, "(unassigned)": { ready: 1 } });
    expect(s).toMatchObject({ total: 3, running: 1, ready_unassigned: 1 });
    expect(k.assignees()).toEqual([{ assignee: "dev", counts: { ready: 1, running: 1 }, running: 1, total: 2 }]);
  });
});

describe("worker context", () => {
  it("has title, body, prior attempts, parent results and comments, each bounded", () => {
    const k = f.k;
    const p = k.create({ title: "Research" }).task.id;
    k.complete(p, { summary: "found 3 sources", metadata: { urls: 3 } });
    const id = k.create({ title: "Write it up", body: "Use the research.\n" + "x".repeat(20_000), parents: [p], skills: ["writing"] }).task.id;
    const r1 = k.claim(id).run_id;
    k.block(id, { runId: r1, reason: "need style guide", kind: "needs_input" });
    k.unblock(id);
    for (let i = 0; i < 35; i++) k.comment(id, "amy", `comment ${i}`);
    k.comment(id, "bob", "y".repeat(5000));
    const md = k.context(id);
    expect(md).toMatch(/^# Write it up\n/);
    expect(md).toContain("- skills: writing");
    expect(md).toContain("Use the research.");
    expect(md).toMatch(/…\[truncated 12\d{3} characters\]/);
    expect(md).toContain("### Run 2: blocked");
    expect(md).toContain("need style guide");
    expect(md).toContain("found 3 sources");
    expect(md).toContain('Metadata: `{"urls":3}`');
    expect(md).toContain("## Comments (30 most recent of 36)");
    expect(md).not.toContain("comment 5\n");
    expect(md).toContain("comment 34");
    expect(md).toMatch(/…\[truncated 3000 characters\]/);
  });
});
