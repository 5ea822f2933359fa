/** Behaviour of each kernel command: effects, events (SPEC §5), validation and fencing. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeFixture, dump, eventKinds, invariantViolations, type Fixture } from "./helpers";
import { KanbanError } from "../server/kernel/errors";

let f: Fixture;
beforeEach(() => {
  f = makeFixture();
});
afterEach(() => f.cleanup());

const lastEvent = (taskId: string) =>
  f.k.db.prepare("SELECT * FROM task_events WHERE task_id = ? ORDER BY id DESC LIMIT 1").get(taskId) as {
    kind: string; payload: string; run_id: number | null;
  };
const payload = (taskId: string) => JSON.parse(lastEvent(taskId).payload);
function refused(fn: () => unknown, code: string, msg?: RegExp) {
  const before = dump(f.k);
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KanbanError);
    expect((e as KanbanError).code).toBe(code);
    if (msg) expect((e as KanbanError).message).toMatch(msg);
    expect(dump(f.k)).toBe(before);
    return e as KanbanError;
  }
  throw new Error("expected the operation to be refused");
}

describe("create", () => {
  it("picks the status from parents, triage and schedule, and writes `created`", () => {
    const a = f.k.create({ title: "  A  ", assignee: "Backend-Dev", skills: ["x", "x", "y"], tenant: "acme" }).task;
    expect(a).toMatchObject({ title: "A", status: "ready", assignee: "backend-dev", skills: ["x", "y"], tenant: "acme", priority: 0 });
    expect(a.id).toMatch(/^t_[0-9a-f]{8}$/);
    expect(JSON.parse(lastEvent(a.id).payload)).toEqual({ assignee: "backend-dev", status: "ready", parents: [], tenant: "acme", skills: ["x", "y"] });
    expect(f.k.create({ title: "B", parents: [a.id] }).task.status).toBe("todo");
    expect(f.k.create({ title: "C", triage: true, parents: [a.id] }).task.status).toBe("triage");
    const s = f.k.create({ title: "D", scheduled_at: f.clock.now() + 60 }).task;
    expect(s.status).toBe("scheduled");
    expect(eventKinds(f.k, s.id)).toEqual(["created", "scheduled"]);
    expect(f.k.create({ title: "E", scheduled_at: f.clock.now() - 60 }).task.status).toBe("ready");
  });

  it("creates straight into a column in one transaction (the board's +): review, blocked, done", () => {
    const r = f.k.create({ title: "R", status: "review" }).task;
    expect(r.status).toBe("review");
    expect(JSON.parse(lastEvent(r.id).payload).status).toBe("review");
    const b = f.k.create({ title: "B", status: "blocked", reason: "needs the API key", kind: "needs_input" }).task;
    expect(b).toMatchObject({ status: "blocked", block_kind: "needs_input" });
    expect(eventKinds(f.k, b.id)).toEqual(["created", "blocked"]);
    const d = f.k.create({ title: "D", status: "done", summary: "already shipped" }).task;
    expect(d.status).toBe("done");
    expect(eventKinds(f.k, d.id)).toEqual(["created", "completed"]);
    expect(f.k.create({ title: "T", status: "todo" }).task.status).toBe("ready"); // no parent to wait on
    expect(f.k.create({ title: "Tr", status: "triage" }).task.status).toBe("triage");

    // Refusals write nothing: not even the task that was about to be blocked or completed.
    const count = () => f.k.db.prepare("SELECT COUNT(*) AS n FROM tasks").get();
    const before = count();
    const parent = r.id; // in review, so not done
    expect(() => f.k.create({ title: "x", status: "blocked" })).toThrow(/needs a reason/);
    expect(() => f.k.create({ title: "x", status: "done", parents: [parent], summary: "s" })).toThrow(/complete/);
    expect(() => f.k.create({ title: "x", status: "scheduled" })).toThrow(/future scheduled_at/);
    expect(() => f.k.create({ title: "x", status: "running" as never })).toThrow(/status must be one of/);
    expect(() => f.k.create({ title: "x", triage: true, status: "review" })).toThrow(/not both/);
    expect(() => f.k.create({ title: "x", summary: "s" })).toThrow(/summary only goes with status "done"/);
    expect(() => f.k.create({ title: "x", status: "blocked", reason: "r", kind: "nope" })).toThrow(/block kind/);
    expect(count()).toEqual(before);
  });

  it("refuses bad input with a clear message and writes nothing", () => {
    const a = f.k.create({ title: "A" }).task;
    refused(() => f.k.create({ title: "   " }), "validation", /title/);
    refused(() => f.k.create({ title: "x", parents: ["t_nothere"] }), "validation", /unknown parent task: t_nothere/);
    refused(() => f.k.create({ title: "x", workspace_kind: "cloud" }), "validation", /workspace kind/);
    refused(() => f.k.create({ title: "x", workspace_kind: "dir", workspace_path: "rel/path" }), "validation", /absolute/);
    refused(() => f.k.create({ title: "x", workspace_kind: "dir", workspace_path: "/tmp/../etc" }), "validation", /\.\./);
    refused(() => f.k.create({ title: "x", branch_name: "feature" }), "validation", /worktree/);
    refused(() => f.k.create({ title: "x", max_runtime_seconds: -5 }), "validation", /max_runtime_seconds/);
    refused(() => f.k.create({ title: "x", assignee: "bad name!" }), "validation", /assignee/);
    refused(() => f.k.create({ title: "x", parents: [a.id, "t_gone"] }), "validation", /t_gone/);
    expect(f.k.create({ title: "w", workspace_kind: "worktree", workspace_path: "/repo", branch_name: "feat/x" }).task).toMatchObject({
      workspace_kind: "worktree", workspace_path: "/repo", branch_name: "feat/x",
    });
  });

  it("an idempotency key returns the existing non-archived task and writes nothing", () => {
    const a = f.k.create({ title: "A", idempotency_key: "k1" });
    expect(a.created).toBe(true);
    const before = dump(f.k);
    const again = f.k.create({ title: "different title", idempotency_key: "k1" });
    expect(again).toEqual({ task: a.task, created: false });
    expect(dump(f.k)).toBe(before);
    f.k.archive(a.task.id);
    const fresh = f.k.create({ title: "A2", idempotency_key: "k1" });
    expect(fresh.created).toBe(true);
    expect(fresh.task.id).not.toBe(a.task.id);
  });

  it("retries a colliding random id", () => {
    const ids = ["t_aaaaaaaa", "t_aaaaaaaa", "t_bbbbbbbb"];
    const k2 = new (f.k.constructor as typeof import("../server/kernel/index").Kernel)({ db: f.k.db, clock: f.clock, ids: { taskId: () => ids.shift()! } });
    expect(k2.create({ title: "one" }).task.id).toBe("t_aaaaaaaa");
    expect(k2.create({ title: "two" }).task.id).toBe("t_bbbbbbbb");
  });
});

describe("link / unlink", () => {
  it("rejects self links, unknown ids and cycles (naming the cycle); is idempotent", () => {
    const [a, b, c] = ["a", "b", "c"].map((t) => f.k.create({ title: t }).task.id);
    f.k.link(a, b);
    f.k.link(b, c);
    refused(() => f.k.link(a, a), "validation", /itself/);
    refused(() => f.k.link(a, "t_nope"), "not_found", /t_nope/);
    const e = refused(() => f.k.link(c, a), "conflict", /cycle/);
    expect(e.message).toContain(`${a} → ${b} → ${c} → ${a}`);
    const before = dump(f.k);
    expect(f.k.link(a, b).linked).toBe(false);
    expect(dump(f.k)).toBe(before);
  });

  it("a ready child of an undone parent drops to todo; unlink re-promotes", () => {
    const p = f.k.create({ title: "p" }).task.id;
    const c = f.k.create({ title: "c" }).task.id;
    f.k.link(p, c);
    expect(f.k.task(c).status).toBe("todo");
    expect(eventKinds(f.k, c)).toEqual(["created", "linked", "status"]);
    f.k.unlink(p, c);
    expect(f.k.task(c).status).toBe("ready");
    expect(eventKinds(f.k, c).slice(-2)).toEqual(["unlinked", "promoted"]);
  });
});

describe("claim and heartbeat", () => {
  it("opens a run, sets the lock and lease, and started_at only once", () => {
    const id = f.k.create({ title: "x", assignee: "dev", max_runtime_seconds: 60 }).task.id;
    const r = f.k.claim(id, { workerPid: 31337, lockSuffix: "w1" });
    expect(r.lock).toBe("testhost:31337:w1");
    expect(r.task).toMatchObject({ status: "running", claim_lock: r.lock, claim_expires: f.clock.now() + 900, current_run_id: r.run_id, worker_pid: 31337, started_at: f.clock.now(), last_heartbeat_at: f.clock.now() });
    expect(f.k.runs(id)[0]).toMatchObject({ id: r.run_id, status: "running", profile: "dev", max_runtime_seconds: 60, ended_at: null });
    expect(lastEvent(id)).toMatchObject({ kind: "claimed", run_id: r.run_id });
    expect(payload(id)).toEqual({ lock: r.lock, expires: f.clock.now() + 900, run_id: r.run_id });
    const first = f.clock.now();
    f.k.reclaim(id);
    f.clock.advance(100);
    f.k.claim(id);
    expect(f.k.task(id).started_at).toBe(first);
  });

  it("a ready task with an undone parent is demoted instead of claimed", () => {
    const p = f.k.create({ title: "p" }).task.id;
    const c = f.k.create({ title: "c", triage: true, parents: [p] }).task.id;
    f.k.db.prepare("UPDATE tasks SET status = 'ready' WHERE id = ?").run(c); // e.g. written by an old Hermes
    expect(() => f.k.claim(c)).toThrow(/undone parent/);
    expect(f.k.task(c).status).toBe("todo");
    expect(lastEvent(c).kind).toBe("claim_rejected");
    expect(f.k.runs(c)).toEqual([]);
  });

  it("claimNext takes priority DESC then oldest, filtered by assignee", () => {
    const low = f.k.create({ title: "low", assignee: "dev", priority: 1 }).task.id;
    f.clock.advance(1);
    const high = f.k.create({ title: "high", assignee: "dev", priority: 5 }).task.id;
    f.k.create({ title: "other", assignee: "ops", priority: 9 });
    expect(f.k.claimNext({ assignee: "dev" })!.task.id).toBe(high);
    expect(f.k.claimNext({ assignee: "dev" })!.task.id).toBe(low);
    expect(f.k.claimNext({ assignee: "dev" })).toBeNull();
  });

  it("heartbeat extends the lease on task and run; only the current run may beat", () => {
    const id = f.k.create({ title: "x" }).task.id;
    const { run_id } = f.k.claim(id);
    f.clock.advance(300);
    f.k.heartbeat(id, { runId: run_id, note: "50% done" });
    expect(f.k.task(id)).toMatchObject({ claim_expires: f.clock.now() + 900, last_heartbeat_at: f.clock.now() });
    expect(f.k.runs(id)[0]).toMatchObject({ last_heartbeat_at: f.clock.now(), claim_expires: f.clock.now() + 900 });
    expect(payload(id)).toEqual({ note: "50% done" });
    refused(() => f.k.heartbeat(id, { runId: run_id + 1 }), "conflict", /no longer current/);
    refused(() => f.k.heartbeat(id, { lock: "otherhost:1" }), "conflict", /claim is held by/);
  });
});

describe("complete", () => {
  it("closes the run, stores result and metadata, resets failures, promotes children only", () => {
    const p = f.k.create({ title: "p" }).task.id;
    const c = f.k.create({ title: "c", parents: [p] }).task.id;
    const other = f.k.create({ title: "unrelated", parents: [f.k.create({ title: "q" }).task.id] }).task.id;
    const { run_id } = f.k.claim(p);
    f.k.db.prepare("UPDATE tasks SET consecutive_failures = 1, block_kind = 'transient', block_recurrences = 2 WHERE id = ?").run(p);
    f.clock.advance(42);
    const r = f.k.complete(p, { runId: run_id, summary: "shipped", result: "the result", metadata: '{"files": 3}' });
    expect(r.promoted).toEqual([c]);
    expect(r.task).toMatchObject({ status: "done", completed_at: f.clock.now(), result: "the result", consecutive_failures: 0, block_kind: null, block_recurrences: 0, claim_lock: null, current_run_id: null });
    expect(f.k.runs(p)[0]).toMatchObject({ outcome: "completed", status: "done", summary: "shipped", metadata: { files: 3 }, ended_at: f.clock.now() });
    expect(payload(p)).toEqual({ summary: "shipped", result_len: 10 });
    expect(f.k.task(c).status).toBe("ready");
    expect(f.k.task(other).status).toBe("todo");
  });

  it("writes a zero-length synthetic run when there was none and there is handoff text", () => {
    const id = f.k.create({ title: "x" }).task.id;
    const r = f.k.complete(id, { summary: "done by hand" });
    expect(f.k.runs(id)).toEqual([expect.objectContaining({ id: r.run_id, outcome: "completed", started_at: f.clock.now(), ended_at: f.clock.now(), summary: "done by hand" })]);
    const bare = f.k.create({ title: "y" }).task.id;
    expect(f.k.complete(bare).run_id).toBeNull();
    expect(f.k.runs(bare)).toEqual([]);
  });

  it("fencing: a stale run id changes nothing and says so", () => {
    const id = f.k.create({ title: "x" }).task.id;
    const first = f.k.claim(id).run_id;
    f.k.reclaim(id);
    const second = f.k.claim(id).run_id;
    const e = refused(() => f.k.complete(id, { runId: first, summary: "late" }), "conflict", /no longer current/);
    expect(e.details).toMatchObject({ run_id: first, current_run_id: second });
    refused(() => f.k.complete(id, { summary: "x", metadata: "{not json" }), "validation", /metadata is not valid JSON/);
    refused(() => f.k.complete(id, { summary: "x", metadata: "[1,2]" }), "validation", /JSON object/);
  });
});

describe("block / unblock", () => {
  it("closes the run blocked; explicit blocks are sticky", () => {
    const id = f.k.create({ title: "x" }).task.id;
    const { run_id } = f.k.claim(id);
    f.k.block(id, { runId: run_id, reason: "need creds", kind: "needs_input" });
    expect(f.k.task(id)).toMatchObject({ status: "blocked", block_kind: "needs_input", claim_lock: null });
    expect(f.k.runs(id)[0]).toMatchObject({ outcome: "blocked", status: "blocked", error: "need creds" });
    expect(payload(id)).toEqual({ reason: "need creds", kind: "needs_input", recurrences: 0 });
    f.clock.advance(10_000);
    f.k.livenessPass();
    expect(f.k.task(id).status).toBe("blocked");
    refused(() => f.k.block(id, { reason: "x", kind: "bogus" }), "validation", /block kind/);
    refused(() => f.k.block(id, { reason: " " }), "validation", /reason/);
  });

  it("the same kind twice in a row goes to triage with block_loop_detected", () => {
    const id = f.k.create({ title: "x" }).task.id;
    f.k.block(id, { reason: "flaky api", kind: "transient" });
    f.k.unblock(id);
    expect(f.k.task(id).block_kind).toBe("transient");
    f.k.block(id, { reason: "flaky api again", kind: "transient" });
    expect(f.k.task(id)).toMatchObject({ status: "triage", block_recurrences: 1 });
    expect(eventKinds(f.k, id).slice(-2)).toEqual(["blocked", "block_loop_detected"]);
    const other = f.k.create({ title: "y" }).task.id;
    f.k.block(other, { reason: "a", kind: "transient" });
    f.k.unblock(other);
    f.k.block(other, { reason: "b", kind: "capability" });
    expect(f.k.task(other).status).toBe("blocked");
  });

  it("dependency → todo (dependency_wait); sticky without parents, released by unblock or a done parent", () => {
    const id = f.k.create({ title: "x" }).task.id;
    f.k.block(id, { reason: "waiting for the API team", kind: "dependency" });
    expect(f.k.task(id).status).toBe("todo");
    expect(lastEvent(id).kind).toBe("dependency_wait");
    f.k.livenessPass();
    expect(f.k.task(id).status).toBe("todo");
    expect(invariantViolations(f.k)).toEqual([]);
    f.k.unblock(id);
    expect(f.k.task(id)).toMatchObject({ status: "ready", block_kind: null });

    const p = f.k.create({ title: "prereq" }).task.id;
    const w = f.k.create({ title: "w" }).task.id;
    f.k.link(p, w);
    f.k.block(w, { reason: "after prereq", kind: "dependency" });
    f.k.complete(p, { summary: "ok" });
    expect(f.k.task(w).status).toBe("ready");
  });

  it("unblock resets failures and goes to todo when a parent is undone; plain todo cannot be unblocked", () => {
    const p = f.k.create({ title: "p" }).task.id;
    const c = f.k.create({ title: "c", parents: [p] }).task.id;
    refused(() => f.k.unblock(c), "conflict", /waiting on its parents/);
    f.k.block(c, { reason: "hold" });
    f.k.db.prepare("UPDATE tasks SET consecutive_failures = 3 WHERE id = ?").run(c);
    expect(f.k.unblock(c)).toMatchObject({ status: "todo", consecutive_failures: 0 });
    const s = f.k.create({ title: "s", scheduled_at: f.clock.now() + 500 }).task.id;
    expect(f.k.unblock(s)).toMatchObject({ status: "ready", scheduled_at: null });
  });
});

describe("assign, reclaim, archive, delete", () => {
  it("assign is refused while a live claim runs; a new profile resets failures", () => {
    const id = f.k.create({ title: "x", assignee: "dev" }).task.id;
    f.k.claim(id);
    refused(() => f.k.assign(id, "ops"), "conflict", /reclaim it first/);
    f.clock.advance(901);
    f.k.assign(id, "ops"); // the lease lapsed: allowed
    f.k.reclaim(id);
    f.k.db.prepare("UPDATE tasks SET consecutive_failures = 1 WHERE id = ?").run(id);
    expect(f.k.assign(id, "QA")).toMatchObject({ assignee: "qa", consecutive_failures: 0 });
    expect(payload(id)).toEqual({ assignee: "qa" });
    const before = dump(f.k);
    f.k.assign(id, "qa");
    expect(dump(f.k)).toBe(before);
  });

  it("reclaim closes the run reclaimed and ends a local worker after the commit", () => {
    const id = f.k.create({ title: "x" }).task.id;
    f.k.claim(id, { workerPid: 555 });
    f.proc.states.set(555, "alive");
    const r = f.k.reclaim(id, "operator");
    expect(r.signalled_pid).toBe(555);
    expect(f.proc.terminated).toEqual([555]);
    expect(f.k.runs(id)[0]).toMatchObject({ outcome: "reclaimed", status: "released" });
    expect(f.k.task(id)).toMatchObject({ status: "ready", worker_pid: null });
    // A claim from another host is never signalled here.
    const remote = f.k.create({ title: "remote" }).task.id;
    f.k.claim(remote, { workerPid: 556 });
    f.k.db.prepare("UPDATE tasks SET claim_lock = 'elsewhere:556' WHERE id = ?").run(remote);
    expect(f.k.reclaim(remote).signalled_pid).toBeNull();
  });

  it("archive closes an open run, promotes dependents; delete removes everything and writes `deleted`", () => {
    const p = f.k.create({ title: "p" }).task.id;
    const c = f.k.create({ title: "c", parents: [p] }).task.id;
    f.k.claim(p, { workerPid: 9 });
    f.k.comment(p, "amy", "hi");
    const a = f.k.archive(p);
    expect(a.promoted).toEqual([c]);
    expect(f.k.runs(p)[0].outcome).toBe("reclaimed");
    expect(f.proc.terminated).toEqual([9]);
    refused(() => f.k.archive(p), "conflict", /archived/);

    const q = f.k.create({ title: "q" }).task.id;
    const d = f.k.create({ title: "d", parents: [q] }).task.id;
    f.k.claim(q);
    f.k.comment(q, "amy", "x");
    const r = f.k.delete(q);
    expect(r.promoted).toEqual([d]);
    for (const t of ["task_links", "task_comments", "task_runs", "kanban_notify_subs"]) {
      const col = t === "task_links" ? "parent_id" : "task_id";
      expect(f.k.db.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE ${col} = ?`).get(q)).toEqual({ n: 0 });
    }
    expect(eventKinds(f.k, q)).toEqual(["deleted"]);
    refused(() => f.k.delete(q), "not_found", new RegExp(q));
  });
});

describe("edit and comment", () => {
  it("edit writes edited/reprioritized; a future scheduled_at parks a ready task; refuses unknown fields", () => {
    const id = f.k.create({ title: "x" }).task.id;
    f.k.edit(id, { title: "y", body: "b", priority: 3 });
    expect(eventKinds(f.k, id).slice(-2)).toEqual(["edited", "reprioritized"]);
    f.k.edit(id, { scheduled_at: f.clock.now() + 100 });
    expect(f.k.task(id).status).toBe("scheduled");
    f.clock.advance(101);
    expect(f.k.promoteAll().map((a) => a.task_id)).toEqual([id]);
    expect(f.k.task(id).status).toBe("ready");
    refused(() => f.k.edit(id, { status: "done" } as never), "validation", /cannot edit field status/);
    refused(() => f.k.edit(id, { title: "" }), "validation", /title/);
  });

  it("edit replaces the workspace as a whole, validated like create, and never under a running worker", () => {
    const id = f.k.create({ title: "w" }).task.id;
    f.k.edit(id, { workspace_kind: "worktree", workspace_path: "/srv/repo", branch_name: "feat/x" });
    expect(f.k.task(id)).toMatchObject({ workspace_kind: "worktree", workspace_path: "/srv/repo", branch_name: "feat/x" });
    expect(payload(id)).toEqual({ fields: ["workspace_kind", "workspace_path", "branch_name"] });
    f.k.edit(id, { workspace_kind: "scratch" }); // path and branch go with it
    expect(f.k.task(id)).toMatchObject({ workspace_kind: "scratch", workspace_path: null, branch_name: null });
    refused(() => f.k.edit(id, { workspace_kind: "dir", workspace_path: "rel/path" }), "validation", /must be absolute/);
    refused(() => f.k.edit(id, { workspace_kind: "scratch", branch_name: "b" }), "validation", /only be set on a worktree/);
    refused(() => f.k.edit(id, { workspace_path: "/x" }), "validation", /give workspace_kind/);
    f.k.claim(id, {});
    refused(() => f.k.edit(id, { workspace_kind: "dir", workspace_path: "/tmp" }), "conflict", /while it runs/);
    expect(f.k.task(id).workspace_kind).toBe("scratch");
    f.k.edit(id, { title: "still editable while running" });
  });

  it("comment needs a body and records the author", () => {
    const id = f.k.create({ title: "x" }).task.id;
    expect(f.k.comment(id, null, "hello")).toMatchObject({ author: "user", body: "hello" });
    expect(payload(id)).toEqual({ author: "user", len: 5 });
    refused(() => f.k.comment(id, "a", "  "), "validation", /comment body/);
    refused(() => f.k.comment("t_none0000", "a", "x"), "not_found");
  });
});

describe("busy database", () => {
  it("surfaces as a typed busy error and writes nothing", async () => {
    const Database = (await import("better-sqlite3")).default;
    const other = new Database(f.file);
    other.pragma("busy_timeout = 0");
    const { openKernel } = await import("../server/kernel/index");
    const k2 = openKernel(f.file, {}, { busyTimeoutMs: 50, verify: "none" });
    other.prepare("BEGIN IMMEDIATE").run();
    try {
      expect(() => k2.create({ title: "blocked writer" })).toThrow(expect.objectContaining({ code: "busy" }));
    } finally {
      other.prepare("ROLLBACK").run();
    }
    expect(f.k.list({ includeArchived: true }).map((t) => t.title)).not.toContain("blocked writer");
    k2.close();
    other.close();
  });
});
