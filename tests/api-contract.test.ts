/**
 * Contract tests for every HTTP endpoint (SPEC §9): the success shape of each, and each documented
 * error with its status and `{"error": {"code", "message", "details"?}}` body. One production
 * server for the file; every test makes its own tasks through the API.
 */
import Database from "better-sqlite3";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server-harness";
import { client, expectError, openDump, type Client, type Dumper } from "./api/http";
import { createTask, statusOf, taskIn, UNKNOWN_ID } from "./api/fixtures";

let srv: RunningServer;
let api: Client;
let db: Dumper;

beforeAll(async () => {
  srv = await startServer();
  api = client(srv);
  db = openDump(srv.home);
});

afterAll(async () => {
  db?.close();
  await srv?.stop();
});

/** Every column of SPEC §3.1, with `skills` as an array. */
const TASK_KEYS = [
  "id", "title", "body", "assignee", "status", "priority", "created_by", "created_at", "started_at", "completed_at",
  "workspace_kind", "workspace_path", "branch_name", "claim_lock", "claim_expires", "tenant", "result", "idempotency_key",
  "consecutive_failures", "worker_pid", "last_failure_error", "max_runtime_seconds", "last_heartbeat_at", "current_run_id",
  "workflow_template_id", "current_step_key", "skills", "max_retries", "block_kind", "block_recurrences", "scheduled_at", "position",
];

function expectTask(t: any) {
  for (const k of TASK_KEYS) expect(t, `task has ${k}`).toHaveProperty(k);
  expect(t.id).toMatch(/^t_[0-9a-f]{8}$/);
  expect(Array.isArray(t.skills)).toBe(true);
  expect(Number.isInteger(t.created_at)).toBe(true);
  // Unix seconds, not milliseconds.
  expect(Math.abs(t.created_at - Date.now() / 1000)).toBeLessThan(3600);
}

const eventKinds = (id: string) =>
  (db.db.prepare("SELECT kind FROM task_events WHERE task_id = ? ORDER BY id").all(id) as { kind: string }[]).map((r) => r.kind);

describe("health, stats, assignees, config", () => {
  it("GET /api/health answers ok with the db path and counts", async () => {
    const r = await api.get("/api/health");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(r.json).toMatchObject({ ok: true, db: path.join(srv.home, "kanban.db") });
    expect(Number.isInteger(r.json.latest_event_id)).toBe(true);
    expect(Number.isInteger(r.json.tasks)).toBe(true);
  });

  it("GET /api/stats counts by status, assignee and run outcome", async () => {
    await taskIn(api, "running", { assignee: "stats-bot" });
    const r = await api.get("/api/stats");
    expect(r.status).toBe(200);
    for (const k of ["by_status", "by_assignee", "by_tenant", "total", "running", "ready_unassigned", "runs_by_outcome", "latest_event_id"]) {
      expect(r.json).toHaveProperty(k);
    }
    for (const s of ["triage", "todo", "scheduled", "ready", "running", "blocked", "review", "done", "archived"]) {
      expect(Number.isInteger(r.json.by_status[s])).toBe(true);
    }
    expect(r.json.by_assignee["stats-bot"]).toEqual({ running: 1 });
    expect(r.json.running).toBeGreaterThanOrEqual(1);
  });

  it("GET /api/assignees lists assignees with counts", async () => {
    await createTask(api, { assignee: "Lister" }); // lower-cased on the way in
    const r = await api.get("/api/assignees");
    expect(r.status).toBe(200);
    const a = r.json.find((x: any) => x.assignee === "lister");
    expect(a).toMatchObject({ assignee: "lister", counts: { ready: 1 }, running: 0, total: 1, profile: false });
  });

  it("GET /api/config returns the validated config and paths", async () => {
    const r = await api.get("/api/config");
    expect(r.status).toBe(200);
    expect(r.json.dispatch).toMatchObject({ interval_seconds: 60, failure_limit: 2 });
    expect(r.json.paths.db).toBe(path.join(srv.home, "kanban.db"));
    expect(r.json.profiles).toEqual({});
  });
});

describe("POST /api/tasks", () => {
  it("201 with the task: ready, or todo/triage/scheduled as the create rules say", async () => {
    const r = await api.post("/api/tasks", {
      title: "  Write the docs  ", body: "# hi", assignee: "Docs-Bot", priority: 5, tenant: "acme", skills: ["md", "md", "git"],
      max_runtime_seconds: 600, max_retries: 3, idempotency_key: null,
    });
    expect(r.status).toBe(201);
    expectTask(r.json);
    expect(r.json).toMatchObject({
      title: "Write the docs", body: "# hi", assignee: "docs-bot", priority: 5, tenant: "acme", skills: ["md", "git"],
      status: "ready", created_by: "web", workspace_kind: "scratch", max_runtime_seconds: 600, max_retries: 3,
      claim_lock: null, current_run_id: null, consecutive_failures: 0,
    });
    expect(eventKinds(r.json.id)).toEqual(["created"]);

    const parent = r.json.id;
    expect((await api.post("/api/tasks", { title: "child", parents: [parent] })).json.status).toBe("todo");
    expect((await api.post("/api/tasks", { title: "idea", triage: true })).json.status).toBe("triage");
    expect((await api.post("/api/tasks", { title: "to review", status: "review" })).json.status).toBe("review");
    const blocked = await api.post("/api/tasks", { title: "born blocked", status: "blocked", reason: "needs a key", kind: "needs_input" });
    expect(blocked.status).toBe(201);
    expect(blocked.json).toMatchObject({ status: "blocked", block_kind: "needs_input" });
    const done = await api.post("/api/tasks", { title: "born done", status: "done", summary: "shipped" });
    expect(done.json.status).toBe("done");
    const refused = await api.post("/api/tasks", { title: "no reason", status: "blocked" });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/needs a reason/);
    const later = Math.floor(Date.now() / 1000) + 3600;
    const s = await api.post("/api/tasks", { title: "later", scheduled_at: later });
    expect(s.json).toMatchObject({ status: "scheduled", scheduled_at: later });
    const ws = await api.post("/api/tasks", { title: "wt", workspace: "worktree:/tmp/wt", branch_name: "feat/x" });
    expect(ws.status).toBe(201);
    expect(ws.json).toMatchObject({ workspace_kind: "worktree", workspace_path: "/tmp/wt", branch_name: "feat/x" });
  });

  it("an idempotency key that matches returns the same task with 200 and writes nothing", async () => {
    const first = await api.post("/api/tasks", { title: "once", idempotency_key: "key-contract-1" });
    expect(first.status).toBe(201);
    const before = db.dump();
    const again = await api.post("/api/tasks", { title: "once more", idempotency_key: "key-contract-1" });
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(first.json.id);
    expect(again.json.title).toBe("once");
    expect(db.dump()).toBe(before);
  });

  it.each([
    ["a blank title", { title: "   " }],
    ["an unknown parent", { title: "x", parents: [UNKNOWN_ID] }],
    ["a bad workspace kind", { title: "x", workspace: "cloud:/x" }],
    ["a relative dir path", { title: "x", workspace: "dir:relative/path" }],
    ["a dir with no path", { title: "x", workspace_kind: "dir" }],
    ["a traversing path", { title: "x", workspace: "dir:/tmp/../etc" }],
    ["a branch on a scratch task", { title: "x", branch_name: "feat/x" }],
    ["a bad assignee", { title: "x", assignee: "not a profile" }],
    ["a bad skill name", { title: "x", skills: ["has space"] }],
    ["an out-of-range priority", { title: "x", priority: 10_000_000 }],
    ["an unknown field", { title: "x", colour: "red" }],
  ])("400 validation for %s, nothing written", async (_name, body) => {
    const before = db.dump();
    const r = await api.post("/api/tasks", body);
    expectError(r, 400, "validation");
    expect(db.dump()).toBe(before);
  });

  it("the unknown-parent error names the parent", async () => {
    const r = await api.post("/api/tasks", { title: "x", parents: [UNKNOWN_ID] });
    expect(r.json.error.message).toContain(UNKNOWN_ID);
    expect(r.json.error.details).toEqual({ missing: [UNKNOWN_ID] });
  });

  it("a validation error from the edge names the field", async () => {
    const r = await api.post("/api/tasks", { title: 42 });
    expectError(r, 400, "validation");
    expect(r.json.error.message).toContain("title");
    expect(r.json.error.details).toEqual({ field: "title" });
    const u = await api.post("/api/tasks", { title: "x", colour: "red" });
    expect(u.json.error.message).toContain("colour");
  });
});

describe("GET /api/tasks", () => {
  it("lists tasks, by ids and by status, without archived unless asked", async () => {
    const a = await taskIn(api, "ready", { tenant: "list-t" });
    const b = await taskIn(api, "blocked", { tenant: "list-t" });
    const c = await taskIn(api, "archived", { tenant: "list-t" });
    const byIds = await api.get(`/api/tasks?ids=${a.id},${b.id},${UNKNOWN_ID}`);
    expect(byIds.status).toBe(200);
    expect(byIds.json.map((t: any) => t.id).sort()).toEqual([a.id, b.id].sort());
    byIds.json.forEach(expectTask);
    const tenant = await api.get("/api/tasks?tenant=list-t");
    expect(tenant.json.map((t: any) => t.id).sort()).toEqual([a.id, b.id].sort());
    const all = await api.get("/api/tasks?tenant=list-t&include_archived=1");
    expect(all.json.map((t: any) => t.id)).toContain(c.id);
    const blocked = await api.get("/api/tasks?tenant=list-t&status=blocked");
    expect(blocked.json.map((t: any) => t.id)).toEqual([b.id]);
    const limited = await api.get("/api/tasks?tenant=list-t&limit=1");
    expect(limited.json).toHaveLength(1);
  });

  it.each([
    ["status=bogus"], ["limit=0"], ["limit=abc"], ["sort=bogus"], ["include_archived=maybe"],
  ])("400 validation for ?%s", async (q) => {
    expectError(await api.get(`/api/tasks?${q}`), 400, "validation");
  });
});

describe("GET /api/tasks/:id and its read views", () => {
  it("detail: task, parents, children, comments, events, runs, child_results", async () => {
    const parent = await createTask(api, { title: "P" });
    const child = await createTask(api, { title: "C", parents: [parent.id] });
    await api.post(`/api/tasks/${parent.id}/comments`, { body: "note", author: "ann" });
    await api.post(`/api/tasks/${child.id}/complete`, { summary: "child summary" }).then((r) => expect(r.status).toBe(409)); // todo: cannot complete
    const r = await api.get(`/api/tasks/${parent.id}`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(["child_results", "children", "comments", "events", "parents", "runs", "task"]);
    expectTask(r.json.task);
    expect(r.json.children.map((t: any) => t.id)).toEqual([child.id]);
    expect(r.json.parents).toEqual([]);
    expect(r.json.comments).toMatchObject([{ task_id: parent.id, author: "ann", body: "note" }]);
    expect(r.json.events.map((e: any) => e.kind)).toEqual(["created", "commented"]);
    expect(r.json.events[0]).toMatchObject({ task_id: parent.id, kind: "created", payload: { status: "ready" } });
    // Completing the parent promotes the child; completing the child shows up in child_results.
    await api.post(`/api/tasks/${parent.id}/complete`, { summary: "parent done" });
    expect(await statusOf(api, child.id)).toBe("ready");
    await api.post(`/api/tasks/${child.id}/complete`, { summary: "child summary", metadata: { files: 2 } });
    const again = await api.get(`/api/tasks/${parent.id}`);
    expect(again.json.child_results).toEqual([{ id: child.id, title: "C", status: "done", summary: "child summary", metadata: { files: 2 } }]);
  });

  it("runs, events, context and log", async () => {
    const t = await taskIn(api, "running");
    const runs = await api.get(`/api/tasks/${t.id}/runs`);
    expect(runs.status).toBe(200);
    expect(runs.json).toMatchObject([{ id: t.runId, task_id: t.id, status: "running", outcome: null, ended_at: null }]);
    const events = await api.get(`/api/tasks/${t.id}/events?limit=1`);
    expect(events.json).toHaveLength(1);
    expect(events.json[0]).toMatchObject({ kind: "claimed", run_id: t.runId });
    const ctx = await api.get(`/api/tasks/${t.id}/context`);
    expect(ctx.json.task_id).toBe(t.id);
    expect(ctx.json.markdown).toContain(t.id);
    const log = await api.get(`/api/tasks/${t.id}/log?tail=10`);
    expect(log.json).toEqual({ task_id: t.id, exists: false, size: 0, truncated: false, text: "" });
  });

  it("404 not_found for an unknown task, on detail and every read view", async () => {
    for (const p of ["", "/runs", "/events", "/context", "/log"]) expectError(await api.get(`/api/tasks/${UNKNOWN_ID}${p}`), 404, "not_found");
  });

  it("404 for an unknown operation, 405 for a POST-only one read with GET (and back)", async () => {
    const t = await taskIn(api, "ready");
    expectError(await api.get(`/api/tasks/${t.id}/frobnicate`), 404, "not_found");
    expectError(await api.post(`/api/tasks/${t.id}/frobnicate`, {}), 404, "not_found");
    expectError(await api.get(`/api/tasks/${t.id}/claim`), 405, "method_not_allowed");
    expectError(await api.post(`/api/tasks/${t.id}/runs`, {}), 405, "method_not_allowed");
  });

  it("400 validation for bad query parameters of the read views", async () => {
    const t = await taskIn(api, "ready");
    expectError(await api.get(`/api/tasks/${t.id}/log?tail=abc`), 400, "validation");
    expectError(await api.get(`/api/tasks/${t.id}/events?limit=0`), 400, "validation");
  });
});

describe("PATCH /api/tasks/:id", () => {
  it("replaces the workspace with a Hermes-style spec (+ branch_name); bad specs are 400s", async () => {
    const t = await createTask(api);
    const r = await api.patch(`/api/tasks/${t.id}`, { workspace: "worktree:/srv/repo", branch_name: "feat/y" });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ workspace_kind: "worktree", workspace_path: "/srv/repo", branch_name: "feat/y" });
    expect((await api.patch(`/api/tasks/${t.id}`, { workspace: "scratch" })).json).toMatchObject({ workspace_kind: "scratch", workspace_path: null, branch_name: null });
    expectError(await api.patch(`/api/tasks/${t.id}`, { workspace: "cloud" }), 400, "validation");
    expectError(await api.patch(`/api/tasks/${t.id}`, { workspace: "dir:rel" }), 400, "validation");
    expectError(await api.patch(`/api/tasks/${t.id}`, { branch_name: "x" }), 400, "validation");
  });

  it("edits fields and writes edited / reprioritized events", async () => {
    const t = await createTask(api);
    const r = await api.patch(`/api/tasks/${t.id}`, { title: "renamed", body: "new body", priority: 7, tenant: "x", skills: ["a"] });
    expect(r.status).toBe(200);
    expectTask(r.json);
    expect(r.json).toMatchObject({ title: "renamed", body: "new body", priority: 7, tenant: "x", skills: ["a"] });
    expect(eventKinds(t.id)).toEqual(["created", "edited", "reprioritized"]);
  });

  it("reassigns and moves in one request", async () => {
    const t = await createTask(api);
    const r = await api.patch(`/api/tasks/${t.id}`, { assignee: "Ops", status: "review" });
    expect(r.json).toMatchObject({ assignee: "ops", status: "review" });
    const back = await api.patch(`/api/tasks/${t.id}`, { status: "ready" });
    expect(back.json.status).toBe("ready");
  });

  it("direct moves follow §4.1: done needs a summary, blocked a reason", async () => {
    const t = await createTask(api);
    expectError(await api.patch(`/api/tasks/${t.id}`, { status: "done" }), 400, "validation");
    expectError(await api.patch(`/api/tasks/${t.id}`, { status: "blocked" }), 400, "validation");
    const b = await api.patch(`/api/tasks/${t.id}`, { status: "blocked", reason: "waiting on legal" });
    expect(b.json.status).toBe("blocked");
    const d = await api.patch(`/api/tasks/${t.id}`, { status: "done", summary: "all good" });
    expect(d.json).toMatchObject({ status: "done" });
    expect(d.json.completed_at).toBeTypeOf("number");
    const a = await api.patch(`/api/tasks/${t.id}`, { status: "archived" });
    expect(a.json.status).toBe("archived");
  });

  it("409 conflict moving to running, and to ready while a parent is undone (naming it)", async () => {
    const t = await taskIn(api, "todo");
    const before = db.dump();
    const r = await api.patch(`/api/tasks/${t.id}`, { status: "ready" });
    expectError(r, 409, "conflict");
    expect(r.json.error.message).toContain(t.parentId!);
    expect(r.json.error.details).toEqual({ blocking_parents: [t.parentId] });
    expectError(await api.patch(`/api/tasks/${t.id}`, { status: "running" }), 409, "conflict");
    expect(db.dump()).toBe(before);
  });

  it("is all-or-nothing: an edit with an illegal move changes nothing", async () => {
    const t = await taskIn(api, "ready");
    const before = db.dump();
    expectError(await api.patch(`/api/tasks/${t.id}`, { title: "should not stick", priority: 9, status: "running" }), 409, "conflict");
    expect(db.dump()).toBe(before);
  });

  it("409 reassigning a running task with a live claim", async () => {
    const t = await taskIn(api, "running");
    expectError(await api.patch(`/api/tasks/${t.id}`, { assignee: "other" }), 409, "conflict");
  });

  it("400 for an empty patch, 404 for an unknown task", async () => {
    const t = await createTask(api);
    expectError(await api.patch(`/api/tasks/${t.id}`, {}), 400, "validation");
    expectError(await api.patch(`/api/tasks/${UNKNOWN_ID}`, { title: "x" }), 404, "not_found");
  });
});

describe("DELETE /api/tasks/:id", () => {
  it("removes the task and everything hanging off it, and promotes its children", async () => {
    const t = await taskIn(api, "todo");
    await api.post(`/api/tasks/${t.parentId}/comments`, { body: "bye" });
    const r = await api.del(`/api/tasks/${t.parentId}`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ id: t.parentId, promoted: [t.id], signalled_pid: null });
    expect(await statusOf(api, t.id)).toBe("ready");
    for (const table of ["task_comments", "task_runs"]) {
      expect(db.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE task_id = ?`).get(t.parentId)).toEqual({ n: 0 });
    }
    expect(db.db.prepare("SELECT COUNT(*) AS n FROM task_links WHERE parent_id = ?").get(t.parentId)).toEqual({ n: 0 });
    expect(eventKinds(t.parentId!)).toEqual(["deleted"]); // one event so live views drop the card
    expectError(await api.get(`/api/tasks/${t.parentId}`), 404, "not_found");
    expectError(await api.del(`/api/tasks/${t.parentId}`), 404, "not_found");
  });
});

describe("task operations", () => {
  it("comments: 201 with the comment; blank → 400; unknown task → 404", async () => {
    const t = await createTask(api);
    const r = await api.post(`/api/tasks/${t.id}/comments`, { body: "looks good", author: "rev" });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ task_id: t.id, author: "rev", body: "looks good" });
    expect(Number.isInteger(r.json.id)).toBe(true);
    expect((await api.post(`/api/tasks/${t.id}/comments`, { body: "anon" })).json.author).toBe("web");
    expectError(await api.post(`/api/tasks/${t.id}/comments`, { body: "  " }), 400, "validation");
    expectError(await api.post(`/api/tasks/${t.id}/comments`, {}), 400, "validation");
    expectError(await api.post(`/api/tasks/${UNKNOWN_ID}/comments`, { body: "x" }), 404, "not_found");
  });

  it("claim answers {task, run_id, lock}; a second claim is a 409", async () => {
    const t = await createTask(api, { assignee: "dev" });
    const r = await api.post(`/api/tasks/${t.id}/claim`, { lock_suffix: "w1", ttl_seconds: 120 });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(["lock", "run_id", "task"]);
    expect(r.json.lock).toMatch(/^[^:]+:\d+:w1$/);
    expect(Number.isInteger(r.json.run_id)).toBe(true);
    expect(r.json.task).toMatchObject({ id: t.id, status: "running", claim_lock: r.json.lock, current_run_id: r.json.run_id });
    expect(r.json.task.claim_expires - r.json.task.last_heartbeat_at).toBe(120);
    expect(eventKinds(t.id)).toEqual(["created", "claimed"]);
    const before = db.dump();
    expectError(await api.post(`/api/tasks/${t.id}/claim`, {}), 409, "conflict");
    expect(db.dump()).toBe(before);
  });

  it.each(["triage", "todo", "blocked", "done", "archived"] as const)("claim of a %s task → 409 conflict", async (s) => {
    const t = await taskIn(api, s);
    expectError(await api.post(`/api/tasks/${t.id}/claim`), 409, "conflict");
  });

  it("heartbeat extends the claim; not running → 409", async () => {
    const t = await taskIn(api, "running");
    const r = await api.post(`/api/tasks/${t.id}/heartbeat`, { run_id: t.runId, note: "50%" });
    expect(r.status).toBe(200);
    expectTask(r.json);
    expect(r.json.status).toBe("running");
    const ev = (await api.get(`/api/tasks/${t.id}/events`)).json.at(-1);
    expect(ev).toMatchObject({ kind: "heartbeat", run_id: t.runId, payload: { note: "50%" } });
    const ready = await taskIn(api, "ready");
    expectError(await api.post(`/api/tasks/${ready.id}/heartbeat`, {}), 409, "conflict");
  });

  it("complete: {task, run_id, promoted}, closes the run, promotes children", async () => {
    const t = await taskIn(api, "running");
    const child = await createTask(api, { parents: [t.id] });
    const r = await api.post(`/api/tasks/${t.id}/complete`, { run_id: t.runId, summary: "did it", result: "42", metadata: { tests: 3 } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ run_id: t.runId, promoted: [child.id], task: { id: t.id, status: "done", result: "42", current_run_id: null } });
    const runs = (await api.get(`/api/tasks/${t.id}/runs`)).json;
    expect(runs).toMatchObject([{ id: t.runId, outcome: "completed", summary: "did it", metadata: { tests: 3 } }]);
    expect(await statusOf(api, child.id)).toBe("ready");
  });

  it.each(["triage", "todo", "scheduled", "done", "archived"] as const)("complete of a %s task → 409 conflict", async (s) => {
    const t = await taskIn(api, s);
    const before = db.dump();
    expectError(await api.post(`/api/tasks/${t.id}/complete`, { summary: "x" }), 409, "conflict");
    expect(db.dump()).toBe(before);
  });

  it("block: blocked with the reason; dependency → todo; the same kind twice → triage", async () => {
    const t = await taskIn(api, "running");
    const r = await api.post(`/api/tasks/${t.id}/block`, { run_id: t.runId, reason: "need creds", kind: "needs_input" });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id: t.id, status: "blocked", block_kind: "needs_input", current_run_id: null });
    expect((await api.get(`/api/tasks/${t.id}/runs`)).json[0]).toMatchObject({ outcome: "blocked" });
    await api.post(`/api/tasks/${t.id}/unblock`);
    const again = await api.post(`/api/tasks/${t.id}/block`, { reason: "still need creds", kind: "needs_input" });
    expect(again.json.status).toBe("triage");
    expect(eventKinds(t.id)).toContain("block_loop_detected");
    const dep = await taskIn(api, "todo");
    await api.post(`/api/tasks/${dep.parentId}/complete`, { summary: "ok" }); // child promoted to ready
    const d = await api.post(`/api/tasks/${dep.id}/block`, { reason: "wait for review", kind: "dependency" });
    expect(d.json.status).toBe("ready"); // its only parent is done: nothing to wait for
    const waiting = await taskIn(api, "ready");
    await api.post("/api/links", { parent_id: (await createTask(api)).id, child_id: waiting.id });
    const w = await api.post(`/api/tasks/${waiting.id}/block`, { reason: "wait", kind: "dependency" });
    expect(w.json).toMatchObject({ status: "todo", block_kind: "dependency" });
  });

  it("block: reason required, kind from the list, done/blocked tasks → 409", async () => {
    const t = await taskIn(api, "ready");
    expectError(await api.post(`/api/tasks/${t.id}/block`, {}), 400, "validation");
    expectError(await api.post(`/api/tasks/${t.id}/block`, { reason: "  " }), 400, "validation");
    expectError(await api.post(`/api/tasks/${t.id}/block`, { reason: "x", kind: "bored" }), 400, "validation");
    for (const s of ["done", "blocked", "archived"] as const) {
      const u = await taskIn(api, s);
      expectError(await api.post(`/api/tasks/${u.id}/block`, { reason: "x" }), 409, "conflict");
    }
  });

  it("unblock: blocked/scheduled → ready; ready/todo-waiting → 409", async () => {
    for (const s of ["blocked", "scheduled"] as const) {
      const t = await taskIn(api, s);
      const r = await api.post(`/api/tasks/${t.id}/unblock`);
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ id: t.id, status: "ready", consecutive_failures: 0 });
    }
    expectError(await api.post(`/api/tasks/${(await taskIn(api, "ready")).id}/unblock`), 409, "conflict");
    expectError(await api.post(`/api/tasks/${(await taskIn(api, "todo")).id}/unblock`), 409, "conflict");
  });

  it("reclaim: running → ready with the run closed reclaimed; not running → 409", async () => {
    const t = await taskIn(api, "running");
    const r = await api.post(`/api/tasks/${t.id}/reclaim`, { reason: "stuck" });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ task: { id: t.id, status: "ready", claim_lock: null }, run_id: t.runId, signalled_pid: null });
    expect((await api.get(`/api/tasks/${t.id}/runs`)).json[0]).toMatchObject({ id: t.runId, outcome: "reclaimed" });
    expectError(await api.post(`/api/tasks/${t.id}/reclaim`, {}), 409, "conflict");
  });

  it("archive: any → archived (closing an open run); archived again → 409", async () => {
    const t = await taskIn(api, "running");
    const r = await api.post(`/api/tasks/${t.id}/archive`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ task: { id: t.id, status: "archived" }, promoted: [], signalled_pid: null });
    expect((await api.get(`/api/tasks/${t.id}/runs`)).json[0]).toMatchObject({ outcome: "reclaimed" });
    expectError(await api.post(`/api/tasks/${t.id}/archive`), 409, "conflict");
  });

  it.each(["comments", "claim", "heartbeat", "complete", "block", "unblock", "reclaim", "archive"])(
    "POST /api/tasks/<unknown>/%s → 404 not_found",
    async (op) => {
      const body = op === "comments" ? { body: "x" } : op === "block" ? { reason: "x" } : {};
      expectError(await api.post(`/api/tasks/${UNKNOWN_ID}/${op}`, body), 404, "not_found");
    },
  );
});

describe("remote workers over HTTP with run-id fencing", () => {
  it("claim → heartbeat → complete with the current run id", async () => {
    const t = await createTask(api, { assignee: "remote" });
    const c = (await api.post(`/api/tasks/${t.id}/claim`, { lock_suffix: "box-7" })).json;
    expect((await api.post(`/api/tasks/${t.id}/heartbeat`, { run_id: c.run_id, note: "working" })).status).toBe(200);
    const done = await api.post(`/api/tasks/${t.id}/complete`, { run_id: c.run_id, summary: "shipped" });
    expect(done.status).toBe(200);
    expect(done.json.task.status).toBe("done");
  });

  it("claim → block with the current run id", async () => {
    const t = await createTask(api, { assignee: "remote" });
    const c = (await api.post(`/api/tasks/${t.id}/claim`)).json;
    const b = await api.post(`/api/tasks/${t.id}/block`, { run_id: c.run_id, reason: "need a key", kind: "needs_input" });
    expect(b.status).toBe(200);
    expect(b.json.status).toBe("blocked");
  });

  it("a stale run id (after a reclaim and a new claim) → 409 on heartbeat, complete and block; nothing changes", async () => {
    const t = await createTask(api, { assignee: "remote" });
    const first = (await api.post(`/api/tasks/${t.id}/claim`, { lock_suffix: "old" })).json;
    await api.post(`/api/tasks/${t.id}/reclaim`, { reason: "lease lost" });
    const second = (await api.post(`/api/tasks/${t.id}/claim`, { lock_suffix: "new" })).json;
    expect(second.run_id).not.toBe(first.run_id);

    const before = db.dump();
    for (const [op, body] of [
      ["heartbeat", { run_id: first.run_id, note: "still here" }],
      ["complete", { run_id: first.run_id, summary: "late result" }],
      ["block", { run_id: first.run_id, reason: "late block" }],
    ] as const) {
      const r = await api.post(`/api/tasks/${t.id}/${op}`, body);
      expectError(r, 409, "conflict");
      expect(r.json.error.message).toContain(`run ${first.run_id} is no longer current`);
      expect(r.json.error.details).toMatchObject({ task_id: t.id, run_id: first.run_id, current_run_id: second.run_id });
      expect(db.dump(), `${op} with a stale run id changed the database`).toBe(before);
    }
    // The current worker is unaffected.
    const ok = await api.post(`/api/tasks/${t.id}/complete`, { run_id: second.run_id, summary: "real result" });
    expect(ok.json.task.status).toBe("done");
    // Once done, even the former current run is stale.
    const late = await api.post(`/api/tasks/${t.id}/complete`, { run_id: second.run_id, summary: "twice" });
    expectError(late, 409, "conflict");
  });
});

describe("links", () => {
  it("POST 201 {linked:true}; again 200 {linked:false}; a ready child drops to todo", async () => {
    const p = await createTask(api);
    const c = await createTask(api);
    const r = await api.post("/api/links", { parent_id: p.id, child_id: c.id });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ linked: true, parent_id: p.id, child_id: c.id });
    expect(await statusOf(api, c.id)).toBe("todo");
    const again = await api.post("/api/links", { parent_id: p.id, child_id: c.id });
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ linked: false, parent_id: p.id, child_id: c.id });
  });

  it("DELETE unlinks and re-promotes the child", async () => {
    const t = await taskIn(api, "todo");
    const r = await api.del(`/api/links?parent_id=${t.parentId}&child_id=${t.id}`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ linked: false, parent_id: t.parentId, child_id: t.id });
    expect(await statusOf(api, t.id)).toBe("ready");
  });

  it("409 on a cycle, naming it; 400 on a self-link; 404 on unknown ids", async () => {
    const a = await createTask(api);
    const b = await createTask(api, { parents: [a.id] });
    const c = await createTask(api, { parents: [b.id] });
    const before = db.dump();
    const r = await api.post("/api/links", { parent_id: c.id, child_id: a.id });
    expectError(r, 409, "conflict");
    expect(r.json.error.message).toContain(`${a.id} → ${b.id} → ${c.id} → ${a.id}`);
    expect(r.json.error.details).toEqual({ cycle: [a.id, b.id, c.id, a.id] });
    expectError(await api.post("/api/links", { parent_id: a.id, child_id: a.id }), 400, "validation");
    expectError(await api.post("/api/links", { parent_id: a.id, child_id: UNKNOWN_ID }), 404, "not_found");
    expectError(await api.post("/api/links", { parent_id: UNKNOWN_ID, child_id: a.id }), 404, "not_found");
    expectError(await api.del(`/api/links?parent_id=${UNKNOWN_ID}&child_id=${a.id}`), 404, "not_found");
    expectError(await api.del(`/api/links?parent_id=${a.id}`), 400, "validation");
    expect(db.dump()).toBe(before);
  });
});

describe("POST /api/tasks/bulk", () => {
  it("answers per-id {id, ok, error?}; one refused card does not undo the others", async () => {
    const a = await taskIn(api, "triage");
    const waiting = await taskIn(api, "todo"); // → ready is refused: its parent is undone
    const b = await taskIn(api, "review");
    const r = await api.post("/api/tasks/bulk", { ids: [a.id, waiting.id, UNKNOWN_ID, b.id], status: "ready" });
    expect(r.status).toBe(200);
    expect(r.json.ok).toBe(false);
    expect(r.json.results).toHaveLength(4);
    expect(r.json.results[0]).toEqual({ id: a.id, ok: true });
    expect(r.json.results[1]).toMatchObject({ id: waiting.id, ok: false, error: { code: "conflict" } });
    expect(r.json.results[1].error.message).toContain(waiting.parentId!);
    expect(r.json.results[2]).toMatchObject({ id: UNKNOWN_ID, ok: false, error: { code: "not_found" } });
    expect(r.json.results[3]).toEqual({ id: b.id, ok: true });
    for (const res of r.json.results) expect(Object.keys(res).every((k) => ["id", "ok", "error"].includes(k))).toBe(true);
    expect(await statusOf(api, a.id)).toBe("ready");
    expect(await statusOf(api, b.id)).toBe("ready");
    expect(await statusOf(api, waiting.id)).toBe("todo");
  });

  it("each id is its own transaction: a failing step leaves that card untouched", async () => {
    const ok = await taskIn(api, "ready");
    const running = await taskIn(api, "running"); // reassigning a live claim is refused
    const r = await api.post("/api/tasks/bulk", { ids: [ok.id, running.id], assignee: "night-shift", priority: 9 });
    expect(r.json.results).toMatchObject([{ id: ok.id, ok: true }, { id: running.id, ok: false, error: { code: "conflict" } }]);
    const list = (await api.get(`/api/tasks?ids=${ok.id},${running.id}`)).json;
    const t1 = list.find((x: any) => x.id === ok.id);
    const t2 = list.find((x: any) => x.id === running.id);
    expect(t1).toMatchObject({ assignee: "night-shift", priority: 9 });
    expect(t2).toMatchObject({ assignee: "dev", priority: 0, status: "running" });
  });

  it("archive, delete, done-with-summary; duplicate ids count once", async () => {
    const [a, b, c] = [await taskIn(api, "ready"), await taskIn(api, "ready"), await taskIn(api, "ready")];
    const arch = await api.post("/api/tasks/bulk", { ids: [a.id, a.id], archive: true });
    expect(arch.json).toEqual({ results: [{ id: a.id, ok: true }], ok: true });
    expect(await statusOf(api, a.id)).toBe("archived");
    const done = await api.post("/api/tasks/bulk", { ids: [b.id], status: "done", summary: "batch" });
    expect(done.json.ok).toBe(true);
    expect(await statusOf(api, b.id)).toBe("done");
    const noSummary = await api.post("/api/tasks/bulk", { ids: [c.id], status: "done" });
    expect(noSummary.json.results[0]).toMatchObject({ ok: false, error: { code: "validation" } });
    const del = await api.post("/api/tasks/bulk", { ids: [c.id], delete: true });
    expect(del.json.ok).toBe(true);
    expectError(await api.get(`/api/tasks/${c.id}`), 404, "not_found");
  });

  it("400 validation with no ids or no change", async () => {
    const t = await taskIn(api, "ready");
    expectError(await api.post("/api/tasks/bulk", { ids: [], archive: true }), 400, "validation");
    expectError(await api.post("/api/tasks/bulk", { ids: [t.id] }), 400, "validation");
  });
});

describe("board and events", () => {
  it("GET /api/board: columns with cards, tenants, assignees, profiles, latest_event_id, now", async () => {
    const t = await taskIn(api, "running", { tenant: "board-t", assignee: "boarder" });
    const r = await api.get("/api/board?tenant=board-t");
    expect(r.status).toBe(200);
    for (const k of ["columns", "tenants", "assignees", "profiles", "latest_event_id", "now"]) expect(r.json).toHaveProperty(k);
    expect(r.json.columns.map((c: any) => c.status)).toEqual(["triage", "todo", "scheduled", "ready", "running", "blocked", "review", "done"]);
    const running = r.json.columns.find((c: any) => c.status === "running");
    expect(running.count).toBe(1);
    expect(running.cards[0]).toMatchObject({ id: t.id, tenant: "board-t" });
    for (const absent of ["parent_count", "child_count", "comment_count", "body"]) expect(running.cards[0]).not.toHaveProperty(absent); // sparse: absent = 0
    expect(running.cards[0].vitals).toMatchObject({ attempt: 1 });
    expect(r.json.tenants).toContain("board-t");
    const withArchived = await api.get("/api/board?include_archived=1");
    expect(withArchived.json.columns.map((c: any) => c.status)).toContain("archived");
    expectError(await api.get("/api/board?include_archived=perhaps"), 400, "validation");
  });

  it("GET /api/board?ids= returns just those cards, in board format, and what left the view", async () => {
    const t = await taskIn(api, "running", { tenant: "ids-t", assignee: "boarder" });
    const other = await createTask(api, { tenant: "elsewhere" });
    const r = await api.get(`/api/board?ids=${t.id},${other.id},${UNKNOWN_ID}&tenant=ids-t`);
    expect(r.status).toBe(200);
    expect(r.json.cards.map((c: any) => c.id)).toEqual([t.id]);
    expect(r.json.cards[0].vitals).toMatchObject({ attempt: 1 });
    expect(r.json.missing).toEqual([other.id, UNKNOWN_ID]);
    expect(typeof r.json.latest_event_id).toBe("number");
    expectError(await api.get(`/api/board?ids=${Array.from({ length: 1001 }, (_, i) => `t_${i}`).join(",")}`), 400, "validation");
  });

  it("GET /api/events?since=&limit= pages through the event log", async () => {
    const since = (await api.get("/api/health")).json.latest_event_id;
    const t = await createTask(api);
    await api.post(`/api/tasks/${t.id}/comments`, { body: "x" });
    const r = await api.get(`/api/events?since=${since}`);
    expect(r.status).toBe(200);
    expect(r.json.resync).toBe(false);
    expect(r.json.events.map((e: any) => [e.task_id, e.kind])).toEqual([[t.id, "created"], [t.id, "commented"]]);
    expect(r.json.cursor).toBe(r.json.events[1].id);
    for (const e of r.json.events) expect(Object.keys(e).sort()).toEqual(["created_at", "id", "kind", "payload", "run_id", "task_id"]);
    const one = await api.get(`/api/events?since=${since}&limit=1`);
    expect(one.json.events).toHaveLength(1);
    expect(one.json.cursor).toBe(r.json.events[0].id);
    for (const q of ["since=-1", "since=abc", "limit=0", "limit=10001"]) expectError(await api.get(`/api/events?${q}`), 400, "validation");
  });
});

describe("unknown API paths and methods", () => {
  it("an unknown /api path is a JSON 404, not the HTML page", async () => {
    expectError(await api.get("/api/nothing-here"), 404, "not_found");
    expectError(await api.post("/api/tasks/a/b/c", {}), 404, "not_found");
  });
});

describe("503 busy", () => {
  it("a write while another process holds the write lock → 503 busy with Retry-After; nothing written", async () => {
    const t = await taskIn(api, "ready");
    const holder = new Database(path.join(srv.home, "kanban.db"));
    holder.pragma("busy_timeout = 0");
    holder.prepare("BEGIN IMMEDIATE").run();
    try {
      const before = db.dump();
      const r = await api.post(`/api/tasks/${t.id}/comments`, { body: "during the lock" });
      expectError(r, 503, "busy");
      expect(r.headers.get("retry-after")).toBe("1");
      expect(db.dump()).toBe(before);
    } finally {
      holder.prepare("ROLLBACK").run();
      holder.close();
    }
    // and the server is fine afterwards
    expect((await api.post(`/api/tasks/${t.id}/comments`, { body: "after" })).status).toBe(201);
  });
});
