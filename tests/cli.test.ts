/**
 * The `kanban` CLI (SPEC §8), tested as users and workers meet it: the real `bin/kanban.mjs` run as
 * subprocesses against a temp KANBAN_HOME (helpers in tests/cli/run.ts). Covers every verb's happy
 * path and refusals, the exit-code contract (0 ok, 1 refused with one stderr line naming the task,
 * 2 usage), `--json` documents, worker defaults and run fencing, colour rules, live `watch`/`tail`
 * against writes from a second process, `gc`, and copies of the Hermes fixtures.
 *
 * Global setup (tests/global-setup.ts) builds dist/cli before the suite.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cli, cliEnv, exec, jsonLines, LiveCli, query, REPO, tempDir, type Cli, type RunResult } from "./cli/run";
import { fixturesDir } from "./helpers";

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/;
const TASK_ID = /^t_[0-9a-f]{8}$/;

/** Exit 1 with exactly one stderr line that names the task (when given) and matches the reason. */
function expectRefused(r: RunResult, id: string | null, reason: RegExp) {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(1);
  const lines = r.stderr.split("\n").filter(Boolean);
  expect(lines, r.stderr).toHaveLength(1);
  if (id) expect(lines[0]).toContain(id);
  expect(lines[0]).toMatch(reason);
}

/** Exit 2 (usage error) with a message matching `what`. */
function expectUsage(r: RunResult, what: RegExp) {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(2);
  expect(r.stderr).toMatch(what);
}

const eventCount = (k: Cli, id?: string) =>
  query<{ n: number }>(k.db, `SELECT COUNT(*) AS n FROM task_events${id ? " WHERE task_id = ?" : ""}`, ...(id ? [id] : []))[0].n;

/** Polls `probe` until it returns a value (or fails after `timeoutMs`). */
async function until<T>(probe: () => T | null | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v != null) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const latestEventId = (k: Cli) => query<{ n: number | null }>(k.db, "SELECT MAX(id) AS n FROM task_events")[0].n ?? 0;

let home: string;
let k: Cli;
beforeEach(() => {
  home = tempDir();
  k = cli(home);
});
afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

describe("help and usage", () => {
  const VERBS = [
    "init", "create", "list", "ls", "show", "assign", "link", "unlink", "claim", "heartbeat", "comment", "complete",
    "block", "unblock", "reclaim", "archive", "delete", "edit", "tail", "watch", "dispatch", "daemon", "context",
    "runs", "log", "stats", "assignees", "gc", "completion", "serve",
  ];

  it("--help for the tool and for every verb exits 0 with an Example", async () => {
    const top = k.ok(["--help"]);
    expect(top.stdout).toMatch(/Usage: kanban/);
    expect(top.stdout).toContain("Example");
    const results = await Promise.all(VERBS.map((v) => k.runAsync([v, "--help"])));
    results.forEach((r, i) => {
      expect(r.code, `${VERBS[i]} --help: ${r.stderr}`).toBe(0);
      expect(r.stdout, `${VERBS[i]} --help`).toMatch(/Usage: kanban (\S+\|)?\S+/);
      expect(r.stdout, `${VERBS[i]} --help has no example`).toContain("Example");
    });
    // `kanban help <verb>` is the same help.
    expect(k.ok(["help", "create"]).stdout).toContain("--idempotency-key");
    // `serve --help` must not start a server (it would never exit).
    expect(results[VERBS.indexOf("serve")].stdout).toContain("--port");
  });

  it("unknown flags, unknown verbs, missing arguments and no verb are usage errors (exit 2)", async () => {
    const cases: [string[], RegExp][] = [
      [["create", "x", "--bogus"], /unknown option '--bogus'[\s\S]*kanban create --help/],
      [["ls", "--frob"], /unknown option '--frob'[\s\S]*--help/],
      [["complete", "t_00000000", "--sumary", "x"], /unknown option '--sumary'/],
      [["watch", "--kind", "x"], /unknown option '--kind'/],
      [["archive", "t_00000000", "--json"], /unknown option '--json'/],
      [["frobnicate"], /unknown command 'frobnicate'[\s\S]*kanban --help/],
      [["create"], /missing required argument 'title'/],
      [["link", "t_00000000"], /missing required argument 'child'/],
    ];
    const results = await Promise.all(cases.map(([args]) => k.runAsync(args)));
    results.forEach((r, i) => {
      expectUsage(r, cases[i][1]);
      expect(r.stdout, cases[i][0].join(" ")).toBe("");
    });
    const bare = k.run([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toMatch(/Usage: kanban/);
    // Nothing above created a task.
    expect(k.json(["ls", "--json"])).toEqual([]);
  });
});

describe("init", () => {
  it("creates the home, database, config, workspaces and logs; a second init keeps them", () => {
    const sub = path.join(home, "board");
    const first = k.json(["init", "--json"], { env: { KANBAN_HOME: sub } });
    expect(first).toMatchObject({ home: sub, db: path.join(sub, "kanban.db"), created_db: true, created_config: true });
    for (const p of [first.db, first.config, first.workspaces, first.logs]) expect(fs.existsSync(p), p).toBe(true);
    expect(fs.readFileSync(first.config, "utf8")).toContain("dispatch:");
    fs.appendFileSync(first.config, "# mine\n");
    const again = k.json(["init", "--json"], { env: { KANBAN_HOME: sub } });
    expect(again).toMatchObject({ created_db: false, created_config: false });
    expect(fs.readFileSync(first.config, "utf8")).toContain("# mine");
    expect(k.ok(["init"], { env: { KANBAN_HOME: sub } }).stdout).toMatch(/using existing database .*kanban\.db/);
  });
});

describe("create", () => {
  it("prints the task as one JSON document, so `create --json | jq -r .id` chains work", () => {
    const parent = k.create("Design the schema");
    expect(parent).toMatch(TASK_ID);
    const other = k.create("Pick a driver");
    const child = k.json(["create", "Implement it", "--parent", parent, "--parent", other, "--json"]);
    expect(child.status).toBe("todo");
    expect(k.detail(child.id).parents.map((p: any) => p.id).sort()).toEqual([parent, other].sort());
    const human = k.ok(["create", "Plain output"]);
    expect(human.stdout).toMatch(/^created t_[0-9a-f]{8} ● ready {2}Plain output\n$/);
  });

  it("accepts every Hermes flag and stores each field", () => {
    const t = k.json([
      "create", "  Fix login  ", "--body", "-", "--assignee", "Backend-Dev", "--workspace", "worktree:/tmp/repo", "--branch", "feat/login",
      "--skill", "kanban-worker", "--skill", "git", "--max-runtime", "90s", "--max-retries", "3", "--tenant", "auth-project",
      "--priority", "5", "--scheduled-at", "+2h", "--idempotency-key", "login-1", "--json",
    ], { input: "Steps:\n- reproduce\n" });
    expect(t).toMatchObject({
      title: "Fix login", body: "Steps:\n- reproduce\n", assignee: "backend-dev", status: "scheduled", workspace_kind: "worktree",
      workspace_path: "/tmp/repo", branch_name: "feat/login", skills: ["kanban-worker", "git"], max_runtime_seconds: 90,
      max_retries: 3, tenant: "auth-project", priority: 5, idempotency_key: "login-1",
    });
    expect(Math.abs(t.scheduled_at - t.created_at - 7200)).toBeLessThanOrEqual(2);
    expect(k.json(["create", "y", "--max-runtime", "5m", "--workspace", "dir:/tmp/some-dir", "--json"])).toMatchObject({ max_runtime_seconds: 300, workspace_kind: "dir", workspace_path: "/tmp/some-dir" });
    expect(k.json(["create", "z", "--max-runtime", "2h", "--workspace", "scratch", "--json"])).toMatchObject({ max_runtime_seconds: 7200, workspace_kind: "scratch" });
    expect(k.json(["create", "idea", "--triage", "--json"]).status).toBe("triage");
    // An ISO time: in the past → ready at once; in the future → scheduled at exactly that second.
    expect(k.json(["create", "past", "--scheduled-at", "2020-01-01T00:00:00Z", "--json"]).status).toBe("ready");
    const future = k.json(["create", "future", "--scheduled-at", "2099-01-01T09:00:00Z", "--json"]);
    expect(future).toMatchObject({ status: "scheduled", scheduled_at: Date.UTC(2099, 0, 1, 9) / 1000 });
    // Inside a worker the tenant is inherited from KANBAN_TENANT.
    expect(k.json(["create", "follow-up", "--json"], { env: { KANBAN_TENANT: "acme" } }).tenant).toBe("acme");
  });

  it("an idempotency key returns the existing task and writes nothing", () => {
    const first = k.json(["create", "Once", "--idempotency-key", "k-1", "--json"]);
    const events = eventCount(k);
    const again = k.json(["create", "Once again", "--idempotency-key", "k-1", "--json"]);
    expect(again.id).toBe(first.id);
    expect(again.title).toBe("Once");
    expect(k.ok(["create", "Once more", "--idempotency-key", "k-1"]).stdout).toMatch(new RegExp(`^exists +${first.id}`));
    expect(eventCount(k)).toBe(events);
    expect(k.json<any[]>(["ls", "--json"])).toHaveLength(1);
  });

  it("refuses bad input with the right exit code and writes nothing", async () => {
    const refused: [string[], RegExp][] = [
      [["create", "   "], /title/],
      [["create", "x", "--parent", "t_0badbeef"], /t_0badbeef/],
      [["create", "x", "--workspace", "dir:relative/path"], /absolute/],
      [["create", "x", "--branch", "b"], /worktree/],
    ];
    const usage: [string[], RegExp][] = [
      [["create", "x", "--max-runtime", "5x"], /--max-runtime: "5x" is not a duration/],
      [["create", "x", "--max-runtime", "0s"], /--max-runtime: .*positive/],
      [["create", "x", "--max-retries", "0"], /--max-retries/],
      [["create", "x", "--priority", "high"], /--priority: "high" is not an integer/],
      [["create", "x", "--scheduled-at", "tomorrow"], /--scheduled-at/],
      [["create", "x", "--workspace", "cloud"], /--workspace/],
    ];
    const [r1, r2] = await Promise.all([
      Promise.all(refused.map(([a]) => k.runAsync(a))),
      Promise.all(usage.map(([a]) => k.runAsync(a))),
    ]);
    r1.forEach((r, i) => expectRefused(r, null, refused[i][1]));
    r2.forEach((r, i) => expectUsage(r, usage[i][1]));
    // None of the refusals above wrote anything.
    expect(k.json(["ls", "--json"])).toEqual([]);
  });
});

describe("list / ls", () => {
  it("filters by status, assignee and tenant, sorts, limits, and hides archived unless asked", () => {
    const a = k.create("alpha", "--assignee", "dev", "--tenant", "acme", "--priority", "1");
    const b = k.create("bravo", "--assignee", "ops", "--priority", "9");
    const c = k.create("charlie", "--triage", "--tenant", "acme");
    const d = k.create("delta");
    k.ok(["archive", d]);
    const ids = (args: string[]) => k.json<any[]>(["ls", ...args, "--json"]).map((t) => t.id);

    expect(ids([])).toEqual([b, a, c]); // priority DESC; archived hidden
    expect(k.json<any[]>(["list", "--json"]).map((t) => t.id)).toEqual([b, a, c]);
    expect(ids(["--archived"]).sort()).toEqual([a, b, c, d].sort());
    expect(ids(["--status", "ready"]).sort()).toEqual([a, b].sort());
    expect(ids(["--status", "triage,archived"]).sort()).toEqual([c, d].sort());
    expect(ids(["--status", "triage", "--status", "ready"]).sort()).toEqual([a, b, c].sort());
    expect(ids(["--assignee", "dev"])).toEqual([a]);
    expect(ids(["--assignee", "none"])).toEqual([c]);
    expect(ids(["--tenant", "acme"]).sort()).toEqual([a, c].sort());
    expect(ids(["--limit", "1"])).toEqual([b]);
    const all = k.json<any[]>(["ls", "--json"]);
    expect(all[0]).toMatchObject({ id: b, title: "bravo", status: "ready", priority: 9, skills: [] });
    for (const col of ["created_at", "claim_lock", "current_run_id", "workspace_kind", "block_kind", "scheduled_at", "position"]) expect(all[0]).toHaveProperty(col);

    const table = k.ok(["ls"]).stdout;
    expect(table.split("\n")[0]).toMatch(/^ID +STATUS +PRI +ASSIGNEE +TENANT +AGE +TITLE$/);
    for (const id of [a, b, c]) expect(table).toContain(id);
    expect(table).not.toContain(d);
    expect(k.ok(["ls", "--status", "blocked"]).stdout).toBe("no tasks\n");
    expectUsage(k.run(["ls", "--status", "bogus"]), /unknown status "bogus"/);
    expectUsage(k.run(["ls", "--sort", "random"]), /--sort/);
  });
});

describe("show", () => {
  it("--json is {task, parents, children, comments, events, runs}; the human view shows them", () => {
    const p = k.create("Parent task", "--body", "The **body**");
    const c = k.create("Child task", "--parent", p);
    k.ok(["comment", p, "Looks", "good", "--author", "ana"]);
    const d = k.detail(p);
    expect(Object.keys(d)).toEqual(expect.arrayContaining(["task", "parents", "children", "comments", "events", "runs"]));
    expect(d.task).toMatchObject({ id: p, title: "Parent task", body: "The **body**", status: "ready" });
    expect(d.children.map((t: any) => t.id)).toEqual([c]);
    expect(d.comments).toMatchObject([{ author: "ana", body: "Looks good" }]);
    expect(d.events.map((e: any) => e.kind)).toEqual(["created", "commented"]);
    expect(d.runs).toEqual([]);
    const text = k.ok(["show", p]).stdout;
    for (const s of ["Parent task", p, "The **body**", "Children", c, "Comments (1)", "ana", "Events (2)"]) expect(text).toContain(s);
    expectRefused(k.run(["show", "t_0badbeef"]), "t_0badbeef", /not found/);
    expectRefused(k.run(["show", "t_0badbeef", "--json"]), "t_0badbeef", /not found/);
  });
});

describe("assign", () => {
  it("assigns (lower-cased), unassigns with none, and is refused while running", () => {
    const id = k.create("work");
    expect(k.json(["assign", id, "Research", "--json"]).assignee).toBe("research");
    expect(k.ok(["assign", id, "ops"]).stdout).toMatch(new RegExp(`assigned ${id} .*→ ops`));
    expect(k.json(["assign", id, "none", "--json"]).assignee).toBeNull();
    expect(k.detail(id).events.filter((e: any) => e.kind === "assigned")).toHaveLength(3);
    k.ok(["claim", id]);
    expectRefused(k.run(["assign", id, "dev"]), id, /running/);
    expect(k.task(id).assignee).toBeNull();
    expectRefused(k.run(["assign", "t_0badbeef", "dev"]), "t_0badbeef", /not found/);
    expectUsage(k.run(["assign", id]), /missing required argument 'assignee'/);
  });
});

describe("link / unlink", () => {
  it("links demote a ready child, are idempotent, refuse self-links, cycles and unknown ids; unlink re-promotes", () => {
    const p = k.create("parent");
    const c = k.create("child");
    expect(k.json(["link", p, c, "--json"])).toEqual({ linked: true, parent_id: p, child_id: c, child_status: "todo" });
    expect(k.json(["link", p, c, "--json"]).linked).toBe(false);
    expect(k.ok(["link", p, c]).stdout).toMatch(/already linked/);
    expectRefused(k.run(["link", c, p]), p, /cycle/);
    expectRefused(k.run(["link", p, p]), p, /itself/);
    expectRefused(k.run(["link", p, "t_0badbeef"]), "t_0badbeef", /not found/);
    expect(k.task(c).status).toBe("todo");
    expect(k.ok(["unlink", p, c]).stdout).toBe(`unlinked ${p} → ${c} (child is ready)\n`);
    expect(k.task(c).status).toBe("ready");
    expect(k.detail(c).events.map((e: any) => e.kind)).toEqual(expect.arrayContaining(["linked", "unlinked", "promoted"]));
  });
});

describe("claim / heartbeat / complete / block / unblock / reclaim", () => {
  it("runs one attempt end to end, with --json where it applies", () => {
    const id = k.create("ship it", "--assignee", "dev");
    const c = k.json(["claim", id, "--json", "--pid", String(process.pid)]);
    expect(c).toMatchObject({ task: { id, status: "running", worker_pid: process.pid }, run_id: expect.any(Number), lock: expect.stringMatching(/:/) });
    expect(c.task.claim_lock).toBe(c.lock);
    expectRefused(k.run(["claim", id]), id, /running/);

    const hb = k.json(["heartbeat", id, "--note", "halfway", "--json"]);
    expect(hb.last_heartbeat_at).toEqual(expect.any(Number));
    expect(k.ok(["heartbeat", id]).stdout).toMatch(new RegExp(`^heartbeat ${id} \\(claim until `));
    expect(k.detail(id).events.find((e: any) => e.kind === "heartbeat").payload).toMatchObject({ note: "halfway" });

    expect(k.ok(["complete", id, "--summary", "Shipped", "--result", "v1.2", "--metadata", '{"files": 3, "ok": true}']).stdout).toBe(`completed ${id}\n`);
    const done = k.detail(id);
    expect(done.task).toMatchObject({ status: "done", result: "v1.2", claim_lock: null, current_run_id: null });
    expect(done.runs).toMatchObject([{ id: c.run_id, outcome: "completed", summary: "Shipped", metadata: { files: 3, ok: true } }]);
    const runs = k.json<any[]>(["runs", id, "--json"]);
    expect(runs).toMatchObject([{ id: c.run_id, outcome: "completed", summary: "Shipped" }]);
    expect(k.ok(["runs", id]).stdout).toMatch(/completed .*Shipped/);

    // Illegal transitions on a done task.
    expectRefused(k.run(["complete", id]), id, /done/);
    expectRefused(k.run(["claim", id]), id, /done/);
    expectRefused(k.run(["heartbeat", id]), id, /done/);
    expectRefused(k.run(["unblock", id]), id, /done/);
    expectRefused(k.run(["reclaim", id]), id, /done/);
  });

  it("claim --next takes the best ready task; nothing to claim is exit 1", () => {
    const low = k.create("low", "--assignee", "dev");
    const high = k.create("high", "--assignee", "dev", "--priority", "3");
    k.create("other lane", "--assignee", "ops", "--priority", "9");
    expect(k.json(["claim", "--next", "--assignee", "dev", "--json"]).task.id).toBe(high);
    expect(k.json(["claim", "--next", "--assignee", "dev", "--json"]).task.id).toBe(low);
    const none = k.run(["claim", "--next", "--assignee", "dev", "--json"]);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout)).toBeNull();
    expect(none.stderr).toBe("kanban claim: no ready task to claim\n");
    expectUsage(k.run(["claim"]), /--next/);
    expectUsage(k.run(["claim", low, "--next"]), /either/);
    expectUsage(k.run(["claim", "--next", "--ttl", "soon"]), /--ttl: "soon" is not a duration/);
  });

  it("complete takes several ids; handoff flags with several ids are refused; bad metadata changes nothing", () => {
    const a = k.create("a");
    const b = k.create("b");
    const c = k.create("c");
    k.ok(["claim", a]);
    const before = eventCount(k);
    expectUsage(k.run(["complete", a, b, "--summary", "both"]), /one task/);
    expectUsage(k.run(["complete", a, b, "--metadata", "{}"]), /one task/);
    expectUsage(k.run(["complete", a, "--metadata", "{not json"]), /--metadata: not valid JSON/);
    expectUsage(k.run(["complete", a, "--metadata", "[1, 2]"]), /--metadata: must be a JSON object/);
    expect(eventCount(k)).toBe(before);
    expect(k.task(a).status).toBe("running");

    expect(k.ok(["complete", a, b, c]).stdout).toBe(`completed ${a}\ncompleted ${b}\ncompleted ${c}\n`);
    expect(k.json<any[]>(["ls", "--status", "done", "--json"])).toHaveLength(3);

    // One bad id among several: the others still complete; one stderr line for the bad one.
    const d = k.create("d");
    const r = k.run(["complete", d, "t_0badbeef"]);
    expectRefused(r, "t_0badbeef", /not found/);
    expect(r.stdout).toBe(`completed ${d}\n`);
    expect(k.task(d).status).toBe("done");
  });

  it("block, unblock, block kinds, loop detection and reclaim", () => {
    const a = k.create("needs a key");
    expect(k.ok(["block", a, "Need the staging key", "--kind", "needs_input"]).stdout).toBe(`blocked ${a} → blocked\n`);
    expect(k.task(a)).toMatchObject({ status: "blocked", block_kind: "needs_input" });
    expectRefused(k.run(["block", a, "again"]), a, /blocked/);
    expect(k.ok(["unblock", a]).stdout).toBe(`unblocked ${a} → ready\n`);
    expectRefused(k.run(["unblock", a]), a, /ready/);
    // The same kind twice in a row → triage (block_loop_detected).
    expect(k.ok(["block", a, "Still no key", "--kind", "needs_input"]).stdout).toMatch(/→ triage/);
    expect(k.detail(a).events.map((e: any) => e.kind)).toContain("block_loop_detected");

    const b = k.create("waits on schema");
    expect(k.ok(["block", b, "schema first", "--kind", "dependency"]).stdout).toBe(`blocked ${b} → todo\n`);
    expectUsage(k.run(["block", b, "x", "--kind", "weird"]), /--kind must be one of/);
    expectRefused(k.run(["block", "t_0badbeef", "why"]), "t_0badbeef", /not found/);
    expectUsage(k.run(["block", "just a reason"]), /which task/);

    const c = k.create("long job");
    const run1 = k.json(["claim", c, "--json"]).run_id;
    expect(k.ok(["reclaim", c, "--reason", "stuck in a loop"]).stdout).toBe(`reclaimed ${c} → ready\n`);
    expect(k.task(c)).toMatchObject({ status: "ready", claim_lock: null, current_run_id: null });
    expect(k.json<any[]>(["runs", c, "--json"])).toMatchObject([{ id: run1, outcome: "reclaimed", error: "stuck in a loop" }]);
    expectRefused(k.run(["reclaim", c]), c, /ready/);
    // Blocking a running task closes its run `blocked`.
    const run2 = k.json(["claim", c, "--json"]).run_id;
    k.ok(["block", c, "flaky network", "--kind", "transient"]);
    expect(k.json<any[]>(["runs", c, "--json"]).find((r) => r.id === run2)).toMatchObject({ outcome: "blocked" });
    expect(k.ok(["unblock", c]).stdout).toBe(`unblocked ${c} → ready\n`);
  });

  it("inside a worker (KANBAN_TASK + KANBAN_RUN_ID) heartbeat/complete/block default to that task and are fenced by the run", () => {
    const id = k.create("worker task", "--assignee", "dev");
    const stale = k.json(["claim", id, "--json"]).run_id;
    k.ok(["reclaim", id]);
    const current = k.json(["claim", id, "--json"]).run_id;
    expect(current).not.toBe(stale);

    const staleEnv = { KANBAN_TASK: id, KANBAN_RUN_ID: String(stale) };
    const snapshot = JSON.stringify(k.task(id));
    const events = eventCount(k);
    for (const args of [["heartbeat"], ["complete", "--summary", "late"], ["block", "gave up"], ["complete", id]]) {
      expectRefused(k.run(args, { env: staleEnv }), id, new RegExp(`run ${stale} is no longer current.*nothing changed`));
    }
    expect(JSON.stringify(k.task(id))).toBe(snapshot);
    expect(eventCount(k)).toBe(events);

    const env = { KANBAN_TASK: id, KANBAN_RUN_ID: String(current), KANBAN_PROFILE: "dev" };
    expect(k.json(["heartbeat", "--note", "compiling", "--json"], { env }).id).toBe(id);
    expect(k.json(["context", "--json"], { env })).toMatchObject({ task_id: id, markdown: expect.stringContaining("# worker task") });
    expect(k.ok(["comment", id, "progress", "note"], { env }).stdout).toBe(`commented on ${id} as dev\n`);
    expect(k.ok(["complete", "--summary", "All green", "--metadata", '{"tests": 12}'], { env }).stdout).toBe(`completed ${id}\n`);
    expect(k.json<any[]>(["runs", id, "--json"]).find((r) => r.id === current)).toMatchObject({ outcome: "completed", summary: "All green", metadata: { tests: 12 } });

    // block with one argument inside a worker: the argument is the reason.
    const other = k.create("second worker task");
    const run = k.json(["claim", other, "--json"]).run_id;
    expect(k.ok(["block", "Need a decision", "--kind", "needs_input"], { env: { KANBAN_TASK: other, KANBAN_RUN_ID: String(run) } }).stdout).toBe(`blocked ${other} → blocked\n`);
    expect(k.detail(other).events.find((e: any) => e.kind === "blocked").payload).toMatchObject({ reason: "Need a decision", kind: "needs_input" });
    expectUsage(k.run(["heartbeat"], { env: { KANBAN_TASK: other, KANBAN_RUN_ID: "abc" } }), /KANBAN_RUN_ID/);
    // Outside a worker these verbs need an id.
    expectUsage(k.run(["complete"]), /which task/);
    expectUsage(k.run(["heartbeat"]), /which task/);
  });
});

describe("comment", () => {
  it("records the author (flag, worker profile, or $USER) and refuses blank bodies and unknown ids", () => {
    const id = k.create("discuss");
    k.ok(["comment", id, "first", "--author", "ana"]);
    k.ok(["comment", id, "from a worker"], { env: { KANBAN_PROFILE: "research" } });
    k.ok(["comment", id, "from a person"], { env: { USER: "bob" } });
    expect(k.json(["comment", id, "json", "please", "--json"], { env: { USER: "cy" } })).toMatchObject({ task_id: id, author: "cy", body: "json please" });
    expect(k.detail(id).comments.map((c: any) => [c.author, c.body])).toEqual([
      ["ana", "first"], ["research", "from a worker"], ["bob", "from a person"], ["cy", "json please"],
    ]);
    expectRefused(k.run(["comment", id, "   "]), null, /blank|empty/i);
    expectRefused(k.run(["comment", "t_0badbeef", "hello"]), "t_0badbeef", /not found/);
    expect(k.detail(id).comments).toHaveLength(4);
  });
});

describe("archive / delete", () => {
  it("archive hides tasks and promotes dependents; delete removes everything of a task", () => {
    const p = k.create("parent");
    const c = k.create("child", "--parent", p);
    const x = k.create("extra");
    expect(k.ok(["archive", p, x]).stdout).toBe(`archived ${p} (promoted ${c})\narchived ${x}\n`);
    expect(k.task(c).status).toBe("ready");
    expect(k.json<any[]>(["ls", "--json"]).map((t) => t.id)).toEqual([c]);
    expect(k.json<any[]>(["ls", "--archived", "--status", "archived", "--json"]).map((t) => t.id).sort()).toEqual([p, x].sort());

    k.ok(["comment", c, "bye"]);
    k.ok(["claim", c]);
    const r = k.run(["delete", c, "t_0badbeef"]);
    expectRefused(r, "t_0badbeef", /not found/);
    expect(r.stdout).toBe(`deleted ${c}\n`);
    expectRefused(k.run(["show", c]), c, /not found/);
    for (const table of ["task_comments", "task_runs", "task_links"]) {
      const col = table === "task_links" ? "child_id" : "task_id";
      expect(query(k.db, `SELECT * FROM ${table} WHERE ${col} = ?`, c), table).toEqual([]);
    }
    expect(query(k.db, "SELECT kind FROM task_events WHERE task_id = ? AND kind <> 'deleted'", c)).toEqual([]);
    expectRefused(k.run(["archive", "t_0badbeef"]), "t_0badbeef", /not found/);
    expectUsage(k.run(["delete"]), /missing required argument/);
  });
});

describe("edit", () => {
  it("edits fields and moves status; refuses illegal moves, bad values and unknown ids", () => {
    const id = k.create("draft");
    const t = k.json([
      "edit", id, "--title", "Final", "--priority", "4", "--tenant", "acme", "--skill", "a", "--skill", "b", "--max-runtime", "2h",
      "--max-retries", "2", "--position", "1.5", "--body", "-", "--json",
    ], { input: "new body" });
    expect(t).toMatchObject({ id, title: "Final", priority: 4, tenant: "acme", skills: ["a", "b"], max_runtime_seconds: 7200, max_retries: 2, position: 1.5, body: "new body" });
    expect(k.detail(id).events.map((e: any) => e.kind)).toEqual(expect.arrayContaining(["edited", "reprioritized"]));
    expect(k.json(["edit", id, "--scheduled-at", "+1h", "--json"]).status).toBe("scheduled");
    expect(k.json(["edit", id, "--scheduled-at", "none", "--json"]).scheduled_at).toBeNull();
    expect(k.json(["edit", id, "--skill", "", "--json"]).skills).toEqual([]);
    expect(k.ok(["edit", id, "--status", "review"]).stdout).toMatch(new RegExp(`^edited ${id} ◆ review`));
    expect(k.json(["edit", id, "--status", "done", "--summary", "reviewed", "--json"]).status).toBe("done");
    expectRefused(k.run(["edit", id, "--status", "running"]), id, /running/);
    expectUsage(k.run(["edit", id]), /nothing to change/);
    expectUsage(k.run(["edit", id, "--max-runtime", "forever"]), /--max-runtime/);
    expectUsage(k.run(["edit", id, "--position", "left"]), /--position/);
    expectRefused(k.run(["edit", "t_0badbeef", "--title", "x"]), "t_0badbeef", /not found/);
    expectRefused(k.run(["edit", id, "--title", "  "]), null, /title/);
    expect(k.task(id).title).toBe("Final");
  });
});

describe("read verbs: context, runs, log, stats, assignees", () => {
  it("context prints the worker brief; runs, log, stats and assignees read the board", () => {
    const p = k.create("Schema", "--assignee", "dev");
    const run = k.json(["claim", p, "--json"]).run_id;
    k.ok(["complete", p, "--summary", "Tables made", "--metadata", '{"tables": 4}']);
    const c = k.create("API", "--assignee", "dev", "--parent", p, "--body", "Build the endpoints");
    k.ok(["comment", c, "use REST"]);
    const md = k.ok(["context", c]).stdout;
    for (const s of ["# API", "Build the endpoints", "Tables made", "use REST"]) expect(md).toContain(s);
    expect(k.json(["context", c, "--json"])).toEqual({ task_id: c, markdown: md });
    expectRefused(k.run(["context", "t_0badbeef"]), "t_0badbeef", /not found/);
    expectUsage(k.run(["context"]), /which task/);

    expect(k.json<any[]>(["runs", p, "--json"])).toMatchObject([{ id: run, task_id: p, outcome: "completed", metadata: { tables: 4 } }]);
    expect(k.json(["runs", c, "--json"])).toEqual([]);
    expect(k.ok(["runs", c]).stdout).toBe(`no runs for ${c}\n`);
    expectRefused(k.run(["runs", "t_0badbeef"]), "t_0badbeef", /not found/);

    expectRefused(k.run(["log", c]), c, /no worker log/);
    fs.mkdirSync(path.join(home, "logs"), { recursive: true });
    fs.writeFileSync(path.join(home, "logs", `${c}.log`), "one\ntwo\nthree\n");
    expect(k.ok(["log", c]).stdout).toBe("one\ntwo\nthree\n");
    expect(k.ok(["log", c, "--tail", "2"]).stdout).toBe("two\nthree\n");
    expectRefused(k.run(["log", "t_0badbeef"]), "t_0badbeef", /not found/);
    // KANBAN_LOGS moves the log directory.
    const logs = path.join(home, "elsewhere");
    fs.mkdirSync(logs);
    fs.writeFileSync(path.join(logs, `${c}.log`), "moved\n");
    expect(k.ok(["log", c], { env: { KANBAN_LOGS: logs } }).stdout).toBe("moved\n");

    k.create("idea", "--triage");
    const s = k.json(["stats", "--json"]);
    expect(s.by_status).toMatchObject({ done: 1, ready: 1, triage: 1, todo: 0, running: 0 });
    expect(s.total).toBe(3);
    expect(s.by_assignee.dev).toMatchObject({ done: 1, ready: 1 });
    expect(k.ok(["stats"]).stdout).toMatch(/total 3/);

    const as = k.json<any[]>(["assignees", "--json"]);
    expect(as.find((a) => a.assignee === "dev")).toMatchObject({ total: 2 });
    expect(k.ok(["assignees"]).stdout).toMatch(/^ASSIGNEE[\s\S]*\ndev +/);
  });
});

describe("dispatch and daemon", () => {
  /** A profile running the example worker, which reports back through this CLI. */
  const writeProfiles = () =>
    fs.writeFileSync(path.join(home, "config.yaml"), JSON.stringify({
      profiles: { demo: { command: [process.execPath, path.join(REPO, "examples/workers/complete.mjs"), "{title}"], env: { WORK_MS: "50" } } },
    }));
  const doneDetail = (id: string) => until(() => {
    const d = k.detail(id);
    return d.task.status === "done" ? d : null;
  }, 15_000, `${id} to be done`);

  it("dispatch --dry-run explains and changes nothing; dispatch starts a worker that completes through the CLI", async () => {
    writeProfiles();
    expect(k.ok(["dispatch"]).stdout).toBe("nothing to do: no ready tasks\n");
    const job = k.create("demo job", "--assignee", "demo");
    const lane = k.create("lane job", "--assignee", "ops");
    const events = eventCount(k);
    const dry = k.json(["dispatch", "--dry-run", "--json"]);
    expect(dry).toMatchObject({ skipped: false, dry_run: true, failed: [] });
    expect(dry.decisions).toEqual(expect.arrayContaining([
      expect.objectContaining({ task_id: job, decision: "spawn" }),
      expect.objectContaining({ task_id: lane, decision: "skip", reason: expect.stringMatching(/not a configured profile/) }),
    ]));
    expect(k.ok(["dispatch", "--dry-run"]).stdout).toContain(`would start ${job} demo`);
    expect(eventCount(k)).toBe(events);
    expect(k.task(job).status).toBe("ready");

    const real = k.json(["dispatch", "--json"]);
    expect(real).toMatchObject({ dry_run: false, spawned: [{ task_id: job, profile: "demo", pid: expect.any(Number) }] });
    const done = await doneDetail(job);
    expect(done.runs).toMatchObject([{ outcome: "completed", profile: "demo", summary: expect.stringMatching(/^done by worker \d+$/), metadata: { pid: expect.any(Number) } }]);
    expect(done.events.filter((e: any) => e.kind === "heartbeat").map((e: any) => e.payload.note)).toEqual(["reading the brief", "half way"]);
    expect(k.task(lane).status).toBe("ready");
    expect(k.ok(["log", job]).stdout).toContain("completed");
    expectUsage(k.run(["dispatch", "--max", "0"]), /--max/);
  });

  it("daemon dispatches new work until SIGTERM", async () => {
    writeProfiles();
    k.ok(["init"]);
    const d = new LiveCli(["daemon"], { home });
    let exit;
    try {
      expect(await d.waitFor((l) => l.text.includes("dispatching for"), 10_000), d.stderr).not.toBeNull();
      const job = k.create("daemon job", "--assignee", "demo");
      expect((await doneDetail(job)).runs).toMatchObject([{ outcome: "completed", profile: "demo" }]);
    } finally {
      exit = await d.stop();
    }
    expect(exit.code, d.stderr).toBe(0);
    expect(d.lines.at(-1)?.text).toMatch(/stopped/);
  });
});

describe("completion", () => {
  it("prints bash and zsh scripts; other shells are usage errors", async () => {
    const [bash, zsh, fish] = await Promise.all([
      k.runAsync(["completion", "bash"]), k.runAsync(["completion", "zsh"]), k.runAsync(["completion", "fish"]),
    ]);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toMatch(/complete -F _kanban kanban/);
    for (const v of ["create", "ls", "watch", "gc", "dispatch"]) expect(bash.stdout).toContain(v);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef kanban/);
    expectUsage(fish, /bash or zsh/);
  });
});

describe("colour", () => {
  it("piped output has no ANSI codes; FORCE_COLOR adds them; NO_COLOR always wins; --json is never coloured", () => {
    k.create("paint me", "--assignee", "dev");
    for (const env of [{ NO_COLOR: undefined }, { NO_COLOR: "1" }, { NO_COLOR: "1", FORCE_COLOR: "1" }, { NO_COLOR: undefined, FORCE_COLOR: "0" }]) {
      for (const args of [["ls"], ["stats"], ["assignees"]]) expect(k.ok(args, { env }).stdout, `${args} ${JSON.stringify(env)}`).not.toMatch(ANSI);
    }
    const forced = k.ok(["ls"], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } }).stdout;
    expect(forced).toMatch(ANSI);
    // Two calls may straddle a second: compare with the relative ages masked.
    const age = (t: string) => t.replace(/\d+[smhd] ago/g, "AGE");
    expect(age(forced.replace(/\x1b\[[0-9;]*m/g, ""))).toBe(age(k.ok(["ls"]).stdout));
    const json = k.ok(["ls", "--json"], { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } }).stdout;
    expect(json).not.toMatch(ANSI);
    JSON.parse(json);
  });

  it.skipIf(process.platform !== "linux" || !fs.existsSync("/usr/bin/script"))("colours on a TTY unless NO_COLOR is set", () => {
    k.create("on a terminal");
    // util-linux `script` runs the command on a pseudo-terminal.
    const onTty = (env: Record<string, string | undefined>) => {
      const r = spawnSync("/usr/bin/script", ["-qec", `'${process.execPath}' bin/kanban.mjs ls`, "/dev/null"], {
        cwd: REPO,
        env: cliEnv(home, { NO_COLOR: undefined, TERM: "xterm", ...env }),
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("on a terminal");
      return r.stdout;
    };
    expect(onTty({})).toMatch(ANSI);
    expect(onTty({ NO_COLOR: "1" })).not.toMatch(ANSI);
    expect(onTty({ TERM: "dumb" })).not.toMatch(ANSI);
  });
});

describe("watch", () => {
  it("sees a write made by a second process within a second", async () => {
    k.ok(["init"]);
    const w = new LiveCli(["watch", "--json"], { home });
    try {
      // Ready when a warm-up write shows up (the watcher starts at the latest event, so a write
      // made before it was up is simply not shown: retry).
      let warm = null;
      for (let i = 0; i < 10 && !warm; i++) {
        const from = w.lines.length;
        const id = (await k.runAsync(["create", `warm-up ${i}`, "--json"])).stdout.match(/"id": "(t_[0-9a-f]{8})"/)![1];
        warm = await w.waitFor((l) => l.text.includes(id), 1000, from);
      }
      expect(warm, `watch never showed a warm-up event; stderr: ${w.stderr}`).not.toBeNull();

      const from = w.lines.length;
      const started = performance.now();
      const created = await k.runAsync(["create", "seen live", "--tenant", "acme", "--json"]);
      const committed = performance.now(); // the writer has exited, so its transaction is committed
      expect(created.code, created.stderr).toBe(0);
      const id = JSON.parse(created.stdout).id;
      const line = await w.waitFor((l) => l.text.includes(id), 3000, from);
      expect(line, `no event for ${id} within 3 s of the write`).not.toBeNull();
      const latency = Math.max(0, line!.at - committed);
      expect(latency, `watch showed the write ${latency.toFixed(0)} ms after the writer exited (${(line!.at - started).toFixed(0)} ms after it started)`).toBeLessThan(1000);
      const e = JSON.parse(line!.text);
      expect(e).toMatchObject({ id: expect.any(Number), task_id: id, run_id: null, kind: "created", payload: { tenant: "acme", status: "ready" }, created_at: expect.any(Number) });
      // Every line is one JSON event, in id order.
      const events = w.lines.map((l) => JSON.parse(l.text));
      expect(events.map((x) => x.id)).toEqual([...events.map((x) => x.id)].sort((a, b) => a - b));
    } finally {
      await w.stop();
    }
    expect(w.stderr).toBe("");
  });

  it("--kinds and --tenant filter, --count N exits 0 by itself", async () => {
    const seed = k.create("seed");
    const since = latestEventId(k);
    const kinds = new LiveCli(["watch", "--json", "--since", String(since), "--kinds", "completed,blocked", "--count", "2"], { home });
    const tenant = new LiveCli(["watch", "--json", "--since", String(since), "--tenant", "acme", "--count", "3"], { home });
    const one = new LiveCli(["watch", "--json", "--since", String(since), "--count", "1"], { home });
    try {
      const a = k.create("a", "--tenant", "acme");
      const b = k.create("b", "--tenant", "zeta");
      k.ok(["comment", b, "noise"]);
      k.ok(["comment", a, "signal"]);
      k.ok(["complete", a]);
      k.ok(["block", b, "stuck"]);
      k.ok(["complete", seed]);

      for (const w of [kinds, tenant, one]) expect((await w.exit(5000)).code, w.stderr).toBe(0);
      const got = (w: LiveCli) => w.lines.map((l) => JSON.parse(l.text)).map((e) => [e.task_id, e.kind]);
      expect(got(kinds)).toEqual([[a, "completed"], [b, "blocked"]]);
      expect(got(tenant)).toEqual([[a, "created"], [a, "commented"], [a, "completed"]]);
      expect(got(one)).toEqual([[a, "created"]]);
    } finally {
      await Promise.all([kinds.stop(), tenant.stop(), one.stop()]);
    }
  });

  it("human output is one line per event; bad flag values are usage errors", async () => {
    k.ok(["init"]);
    const since = latestEventId(k);
    const w = new LiveCli(["watch", "--since", String(since), "--count", "1"], { home });
    const id = k.create("human");
    expect((await w.exit(5000)).code).toBe(0);
    expect(w.lines).toHaveLength(1);
    expect(w.lines[0].text).toMatch(new RegExp(`^#\\d+ \\S+Z  ${id}  created  \\{`));
    expectUsage(k.run(["watch", "--count", "0"]), /--count/);
    expectUsage(k.run(["watch", "--since", "yesterday"]), /--since/);
  });
});

describe("tail", () => {
  it("--no-follow prints the task's events; --count 1 follows a write from another process", async () => {
    const id = k.create("followed");
    const other = k.create("other");
    k.ok(["comment", id, "one"]);
    k.ok(["comment", other, "not mine"]);
    const past = jsonLines(k.ok(["tail", id, "--no-follow", "--json"]).stdout);
    expect(past.map((e) => [e.task_id, e.kind])).toEqual([[id, "created"], [id, "commented"]]);
    expect(jsonLines(k.ok(["tail", id, "--no-follow", "--json", "--lines", "1"]).stdout).map((e) => e.kind)).toEqual(["commented"]);
    const human = k.ok(["tail", id, "--no-follow"]).stdout.trimEnd().split("\n");
    expect(human).toHaveLength(2);
    expect(human[1]).toMatch(new RegExp(`${id}  commented`));

    const t = new LiveCli(["tail", id, "--count", "1", "--json"], { home });
    try {
      // Past events first; once they are out the follower is polling from the latest event.
      expect(await t.waitFor((l) => l.text.includes('"commented"'), 5000)).not.toBeNull();
      k.ok(["comment", other, "ignored"]);
      k.ok(["complete", id, "--summary", "done"]);
      expect((await t.exit(5000)).code, t.stderr).toBe(0);
      expect(t.lines.map((l) => JSON.parse(l.text).kind)).toEqual(["created", "commented", "completed"]);
    } finally {
      await t.stop();
    }
    expectRefused(k.run(["tail", "t_0badbeef", "--no-follow"]), "t_0badbeef", /not found/);
  });
});

describe("gc", () => {
  it("removes scratch workspaces of archived tasks, old events of finished tasks and old logs; --dry-run removes nothing; never follows symlinks out", () => {
    const ws = path.join(home, "workspaces");
    const logs = path.join(home, "logs");
    const outside = tempDir("kanban-outside-");
    try {
      fs.writeFileSync(path.join(outside, "precious.txt"), "keep me");
      const archived = k.create("archived with workspace");
      const linked = k.create("archived, workspace is a symlink out");
      const live = k.create("still ready");
      const done = k.create("done long ago");
      const running = k.create("running");
      k.ok(["complete", done]);
      k.ok(["claim", running]);
      k.ok(["archive", archived, linked]);

      fs.mkdirSync(path.join(ws, archived, "src"), { recursive: true });
      fs.writeFileSync(path.join(ws, archived, "src", "main.ts"), "x");
      fs.symlinkSync(outside, path.join(ws, archived, "escape")); // a link inside a workspace
      fs.symlinkSync(outside, path.join(ws, linked)); // the workspace itself is a link out
      fs.mkdirSync(path.join(ws, live));
      fs.mkdirSync(path.join(ws, "t_0000dead")); // a task that no longer exists
      fs.mkdirSync(path.join(ws, "not-a-task"));

      fs.mkdirSync(logs, { recursive: true });
      const old = (Date.now() - 40 * 86_400_000) / 1000;
      const log = (name: string, aged: boolean) => {
        const f = path.join(logs, name);
        fs.writeFileSync(f, "log\n");
        if (aged) fs.utimesSync(f, old, old);
        return f;
      };
      const oldDone = log(`${done}.log`, true);
      const oldDoneRotated = log(`${done}.log.1`, true);
      const oldRunning = log(`${running}.log`, true);
      const freshArchived = log(`${archived}.log`, false);
      const oldArchived = log(`${linked}.log`, true);

      // Age every event 40 days, except the live tasks' own events, which must stay anyway.
      exec(k.db, "UPDATE task_events SET created_at = created_at - 40 * 86400");
      const count = (id: string) => eventCount(k, id);
      const before = { done: count(done), archived: count(archived), live: count(live), running: count(running) };
      expect(before.done).toBeGreaterThan(0);

      const dry = k.json(["gc", "--dry-run", "--json"]);
      expect(dry).toMatchObject({ dry_run: true, days: 30 });
      expect(dry.workspaces.sort()).toEqual([archived, linked, "t_0000dead"].map((n) => path.join(ws, n)).sort());
      expect(dry.events).toBe(before.done + before.archived + count(linked));
      expect(dry.logs.sort()).toEqual([oldDone, oldDoneRotated, oldArchived].sort());
      // ...and nothing was removed.
      for (const p of [path.join(ws, archived, "src", "main.ts"), path.join(ws, linked), path.join(ws, "t_0000dead"), oldDone, oldDoneRotated, oldArchived]) expect(fs.existsSync(p), p).toBe(true);
      expect(count(done)).toBe(before.done);
      expect(k.ok(["gc", "--dry-run"]).stdout).toMatch(/would remove 3 workspace\(s\), \d+ event\(s\), 3 log file\(s\)/);

      // A horizon further back than the aged events keeps every event and log.
      const far = k.json(["gc", "--days", "60", "--dry-run", "--json"]);
      expect(far).toMatchObject({ events: 0, logs: [] });

      const real = k.json(["gc", "--json"]);
      expect(real).toMatchObject({ dry_run: false, events: dry.events, workspaces: dry.workspaces, logs: dry.logs });
      expect(fs.existsSync(path.join(ws, archived))).toBe(false);
      expect(fs.existsSync(path.join(ws, "t_0000dead"))).toBe(false);
      expect(() => fs.lstatSync(path.join(ws, linked))).toThrow(); // the link itself went...
      expect(fs.readFileSync(path.join(outside, "precious.txt"), "utf8")).toBe("keep me"); // ...not what it points to
      expect(fs.existsSync(path.join(ws, live))).toBe(true);
      expect(fs.existsSync(path.join(ws, "not-a-task"))).toBe(true);
      for (const f of [oldDone, oldDoneRotated, oldArchived]) expect(fs.existsSync(f), f).toBe(false);
      for (const f of [oldRunning, freshArchived]) expect(fs.existsSync(f), f).toBe(true);
      expect(count(done)).toBe(0);
      expect(count(archived)).toBe(0);
      expect(count(live)).toBe(before.live);
      expect(count(running)).toBe(before.running);
      // The tasks themselves stay.
      expect(k.task(done).status).toBe("done");

      expect(k.ok(["gc"]).stdout).toBe("removed 0 workspace(s), 0 event(s), 0 log file(s)\n");
      expectUsage(k.run(["gc", "--days", "-1"]), /--days/);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe("other refusals", () => {
  it("a file that is not SQLite is refused and left untouched; a bad KANBAN_CLAIM_TTL_SECONDS is a usage error", () => {
    const bad = path.join(home, "notes.db");
    fs.writeFileSync(bad, "just some text\n");
    expectRefused(k.run(["--db", bad, "ls"]), null, /not an SQLite database/);
    expect(fs.readFileSync(bad, "utf8")).toBe("just some text\n");
    expectUsage(k.run(["ls"], { env: { KANBAN_CLAIM_TTL_SECONDS: "soon" } }), /KANBAN_CLAIM_TTL_SECONDS/);
  });

  it("KANBAN_DB and --db choose the database file", () => {
    const other = path.join(home, "other.db");
    // An explicit database must exist: a typo is an error, not a new empty board; init creates it.
    const missing = k.run(["--db", other, "create", "elsewhere"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist/);
    expect(fs.existsSync(other)).toBe(false);
    k.ok(["--db", other, "init"]);
    const id = k.json(["--db", other, "create", "elsewhere", "--json"]).id;
    expect(k.json<any[]>(["ls", "--json"], { env: { KANBAN_DB: other } }).map((t) => t.id)).toEqual([id]);
    expect(k.json(["ls", "--json"])).toEqual([]);
  });
});

describe.each(["hermes-v1.kanban.db", "hermes-2026-07.kanban.db"])("Hermes fixture %s (a copy)", (name) => {
  it("lists, shows, counts, claims and completes on an adopted Hermes database", async () => {
    const file = path.join(home, name);
    fs.copyFileSync(path.join(fixturesDir(), name), file);
    fs.chmodSync(file, 0o644);
    const db = ["--db", file];

    const visible = k.json<any[]>([...db, "ls", "--json"]);
    const all = k.json<any[]>([...db, "list", "--archived", "--json"]);
    expect(all).toHaveLength(16);
    const archived = all.filter((t) => t.status === "archived");
    expect(archived.length).toBeGreaterThan(0);
    expect(visible).toHaveLength(16 - archived.length);
    expect(visible.some((t) => t.status === "archived")).toBe(false);
    for (const t of all) {
      expect(t.id).toMatch(/^t_/);
      expect(Array.isArray(t.skills)).toBe(true);
    }
    expect(new Set(all.map((t) => t.tenant))).toEqual(new Set(["auth-project", "content-ops", null]));

    const [table, stats, running, schema] = await Promise.all([
      k.runAsync([...db, "ls"]),
      k.runAsync([...db, "stats", "--json"]),
      k.runAsync([...db, "show", all.find((t) => t.status === "running").id, "--json"]),
      k.runAsync([...db, "show", all.find((t) => t.title === "Design auth schema").id, "--json"]),
    ]);
    expect(table.code, table.stderr).toBe(0);
    for (const t of visible) expect(table.stdout).toContain(t.id);

    expect(stats.code, stats.stderr).toBe(0);
    const s = JSON.parse(stats.stdout);
    expect(Object.values<number>(s.by_status).reduce((a, b) => a + b, 0)).toBe(16);
    expect(s.by_status).toMatchObject({ running: 1, archived: archived.length });

    expect(running.code, running.stderr).toBe(0);
    const r = JSON.parse(running.stdout);
    expect(r.task).toMatchObject({ title: "Implement auth API endpoints", status: "running", tenant: "auth-project" });
    expect(r.runs.length).toBeGreaterThanOrEqual(2); // its second run, after a block/unblock
    expect(r.parents.map((p: any) => p.title)).toContain("Design auth schema");
    expect(r.events.length).toBeGreaterThan(0);

    expect(schema.code, schema.stderr).toBe(0);
    const done = JSON.parse(schema.stdout);
    expect(done.task.status).toBe("done");
    expect(done.runs.some((x: any) => x.summary && x.metadata && typeof x.metadata === "object")).toBe(true);

    // Claim and complete a ready task on the copy.
    const ready = all.find((t) => t.status === "ready" && t.assignee === "copywriter");
    const claim = k.json([...db, "claim", ready.id, "--json"]);
    expect(claim).toMatchObject({ task: { id: ready.id, status: "running" }, run_id: expect.any(Number) });
    k.ok([...db, "heartbeat", ready.id, "--note", "writing"]);
    expect(k.ok([...db, "complete", ready.id, "--summary", "Copy written", "--metadata", '{"words": 800}']).stdout).toBe(`completed ${ready.id}\n`);
    const after = k.json([...db, "show", ready.id, "--json"]);
    expect(after.task.status).toBe("done");
    expect(after.runs.at(-1)).toMatchObject({ id: claim.run_id, outcome: "completed", summary: "Copy written", metadata: { words: 800 } });
    expect(k.json([...db, "stats", "--json"]).by_status.done).toBe(s.by_status.done + 1);
    expect(k.ok([...db, "context", r.task.id]).stdout).toContain("Implement auth API endpoints");
    expect(k.ok([...db, "ls", "--archived", "--status", "archived"]).stdout).toContain(archived[0].id);
  });
});
