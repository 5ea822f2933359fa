/**
 * The bad-input sweep (SPEC §9, §10): every write endpoint × every kind of bad input that applies
 * to it — malformed JSON, non-object JSON, wrong types, missing and unknown fields, huge strings,
 * unknown ids, illegal transitions, non-JSON content types, no content type, malformed path
 * escapes, oversize bodies (declared and chunked). Never a 500: always the documented status and
 * error shape, and the database byte-for-byte unchanged (every table dumped before and after).
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server-harness";
import { chunksOf, client, expectError, jsonOfSize, MiB, openDump, rawRequest, type Client, type Dumper } from "./api/http";
import { taskIn, UNKNOWN_ID, type Made, type Status } from "./api/fixtures";

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

type Json = Record<string, unknown>;

interface Target {
  /** The path, for the prepared task(s). */
  path: string;
  /** A body that would succeed (so each case changes exactly one thing). */
  valid: Json;
}

interface Endpoint {
  name: string;
  method: "POST" | "PATCH" | "DELETE";
  /** Makes the data the request acts on. */
  setup: () => Promise<Target>;
  wrongTypes: Json[];
  missing?: Json[];
  /** String fields over their limit (the whole body stays under 1 MiB). */
  huge: Json[];
  /** The same request against an id no task has. */
  unknownId?: () => Promise<Target>;
  /** Bodies/states that are legal JSON but an illegal transition (409). */
  illegal?: { name: string; setup: () => Promise<Target> }[];
}

const big = (n: number) => "x".repeat(n);
const made = async (s: Status) => taskIn(api, s);
const task = (m: Made) => `/api/tasks/${m.id}`;

const ENDPOINTS: Endpoint[] = [
  {
    name: "POST /api/tasks",
    method: "POST",
    setup: async () => ({ path: "/api/tasks", valid: { title: "fine" } }),
    wrongTypes: [
      { title: 42 }, { title: ["a"] }, { title: null }, { title: "x", body: 1 }, { title: "x", priority: "high" },
      { title: "x", priority: 1.5 }, { title: "x", skills: "a,b" }, { title: "x", skills: [1] }, { title: "x", parents: "t_1" },
      { title: "x", parents: [5] }, { title: "x", triage: "yes" }, { title: "x", scheduled_at: -1 }, { title: "x", max_retries: 0 },
      { title: "x", max_runtime_seconds: "5m" }, { title: "x", workspace_kind: "cloud" }, { title: "x", position: "top" },
      { title: "x", assignee: { name: "dev" } }, { title: "x", tenant: 7 },
    ],
    missing: [{}, { body: "no title" }, { title: "" }, { title: "   " }],
    huge: [
      { title: big(501) }, { title: "x", body: big(1_000_001) }, { title: "x", assignee: big(65) }, { title: "x", tenant: big(101) },
      { title: "x", idempotency_key: big(201) }, { title: "x", skills: Array(51).fill("s") }, { title: "x", parents: Array(101).fill("t_1") },
      { title: "x", workspace: `dir:/${big(5000)}` },
    ],
    unknownId: async () => ({ path: "/api/tasks", valid: { title: "orphan", parents: [UNKNOWN_ID] } }), // 400: unknown parent
  },
  {
    name: "PATCH /api/tasks/:id",
    method: "PATCH",
    setup: async () => ({ path: task(await made("ready")), valid: { title: "renamed" } }),
    wrongTypes: [
      { title: 1 }, { priority: "9" }, { status: "finished" }, { status: 3 }, { skills: {} }, { assignee: 5 }, { kind: "bored", status: "blocked", reason: "x" },
      { max_retries: 1001 }, { position: "1" }, { title: null },
    ],
    missing: [{}, { summary: "a summary alone changes nothing" }, { status: "done" }, { status: "blocked" }, { title: "  " }],
    huge: [{ title: big(501) }, { body: big(1_000_001) }, { status: "done", summary: big(20_001) }, { tenant: big(101) }],
    unknownId: async () => ({ path: `/api/tasks/${UNKNOWN_ID}`, valid: { title: "renamed" } }),
    illegal: [
      { name: "ready → running", setup: async () => ({ path: task(await made("ready")), valid: { status: "running" } }) },
      { name: "todo (undone parent) → ready", setup: async () => ({ path: task(await made("todo")), valid: { status: "ready" } }) },
      { name: "an edit plus an illegal move", setup: async () => ({ path: task(await made("ready")), valid: { title: "no", priority: 3, status: "running" } }) },
      { name: "archived → done", setup: async () => ({ path: task(await made("archived")), valid: { status: "done", summary: "x" } }) },
      { name: "reassigning a live claim", setup: async () => ({ path: task(await made("running")), valid: { assignee: "other" } }) },
      { name: "running → todo", setup: async () => ({ path: task(await made("running")), valid: { status: "todo" } }) },
    ],
  },
  {
    name: "DELETE /api/tasks/:id",
    method: "DELETE",
    setup: async () => ({ path: task(await made("ready")), valid: {} }),
    wrongTypes: [{ id: "t_1" }, { force: true }],
    huge: [{ note: big(500_000) }],
    unknownId: async () => ({ path: `/api/tasks/${UNKNOWN_ID}`, valid: {} }),
  },
  {
    name: "POST /api/tasks/:id/comments",
    method: "POST",
    setup: async () => ({ path: `${task(await made("ready"))}/comments`, valid: { body: "hi" } }),
    wrongTypes: [{ body: 1 }, { body: ["hi"] }, { body: "hi", author: 3 }, { body: null }],
    missing: [{}, { author: "ann" }, { body: "" }, { body: " \n\t " }],
    huge: [{ body: big(100_001) }, { body: "hi", author: big(101) }],
    unknownId: async () => ({ path: `/api/tasks/${UNKNOWN_ID}/comments`, valid: { body: "hi" } }),
  },
  {
    name: "POST /api/tasks/:id/claim",
    method: "POST",
    setup: async () => ({ path: `${task(await made("ready"))}/claim`, valid: {} }),
    wrongTypes: [{ ttl_seconds: "60" }, { ttl_seconds: 0 }, { ttl_seconds: 8 * 86_400 }, { worker_pid: -1 }, { worker_pid: 1.5 }, { lock_suffix: "has space" }, { lock_suffix: 7 }],
    huge: [{ lock_suffix: big(65) }],
    unknownId: async () => ({ path: `/api/tasks/${UNKNOWN_ID}/claim`, valid: {} }),
    illegal: (["triage", "todo", "scheduled", "running", "blocked", "review", "done", "archived"] as const).map((s) => ({
      name: `claim a ${s} task`,
      setup: async () => ({ path: `${task(await made(s))}/claim`, valid: {} }),
    })),
  },
  {
    name: "POST /api/tasks/:id/heartbeat",
    method: "POST",
    setup: async () => {
      const t = await made("running");
      return { path: `${task(t)}/heartbeat`, valid: { run_id: t.runId } };
    },
    wrongTypes: [{ run_id: "1" }, { run_id: 0 }, { run_id: 1.5 }, { note: 5 }, { note: ["x"] }],
    huge: [{ note: big(501) }],
    unknownId: async () => ({ path: `/api/tasks/${UNKNOWN_ID}/heartbeat`, valid: {} }),
    illegal: [
      { name: "heartbeat a ready task", setup: async () => ({ path: `${task(await made("ready"))}/heartbeat`, valid: {} }) },
      { name: "heartbeat a done task", setup: async () => ({ path: `${task(await made("done"))}/heartbeat`, valid: {} }) },
      {
        name: "heartbeat with a stale run id",
        setup: async () => {
          const t = await made("running");
          return { path: `${task(t)}/heartbeat`, valid: { run_id: t.runId! + 1000 } };
        },
      },
    ],
  },
  {
    name: "POST /api/tasks/:id/complete",
    method: "POST",
    setup: async () => {
      const t = await made("running");
      return { path: `${task(t)}/complete`, valid: { run_id: t.runId, summary: "ok" } };
    },
    wrongTypes: [{ summary: 1 }, { result: {} }, { metadata: [1, 2] }, { metadata: "not json" }, { run_id: "7" }, { metadata: 5 }],
    huge: [{ summary: big(20_001) }, { result: big(1_000_001) }, { metadata: { blob: big(100_001) } }],
    unknownId: async () => ({ path: `/api/tasks/${UNKNOWN_ID}/complete`, valid: { summary: "ok" } }),
    illegal: [
      ...(["triage", "todo", "scheduled", "done", "archived"] as const).map((s) => ({
        name: `complete a ${s} task`,
        setup: async () => ({ path: `${task(await made(s))}/complete`, valid: { summary: "ok" } }),
      })),
      {
        name: "complete with a stale run id",
        setup: async () => {
          const t = await made("running");
          return { path: `${task(t)}/complete`, valid: { run_id: t.runId! + 1000, summary: "late" } };
        },
      },
    ],
  },
  {
    name: "POST /api/tasks/:id/block",
    method: "POST",
    setup: async () => {
      const t = await made("running");
      return { path: `${task(t)}/block`, valid: { run_id: t.runId, reason: "stuck" } };
    },
    wrongTypes: [{ reason: 1 }, { reason: "x", kind: "bored" }, { reason: "x", kind: 2 }, { reason: "x", run_id: "1" }, { reason: null }],
    missing: [{}, { kind: "needs_input" }, { reason: "" }, { reason: "   " }],
    huge: [{ reason: big(20_001) }],
    unknownId: async () => ({ path: `/api/tasks/${UNKNOWN_ID}/block`, valid: { reason: "stuck" } }),
    illegal: [
      ...(["blocked", "done", "archived"] as const).map((s) => ({
        name: `block a ${s} task`,
        setup: async () => ({ path: `${task(await made(s))}/block`, valid: { reason: "stuck" } }),
      })),
      {
        name: "block with a stale run id",
        setup: async () => {
          const t = await made("running");
          return { path: `${task(t)}/block`, valid: { run_id: t.runId! + 1000, reason: "late" } };
        },
      },
    ],
  },
  {
    name: "POST /api/tasks/:id/unblock",
    method: "POST",
    setup: async () => ({ path: `${task(await made("blocked"))}/unblock`, valid: {} }),
    wrongTypes: [{ force: true }, { status: "ready" }],
    huge: [{ note: big(500_000) }],
    unknownId: async () => ({ path: `/api/tasks/${UNKNOWN_ID}/unblock`, valid: {} }),
    illegal: (["triage", "todo", "ready", "running", "review", "done", "archived"] as const).map((s) => ({
      name: `unblock a ${s} task`,
      setup: async () => ({ path: `${task(await made(s))}/unblock`, valid: {} }),
    })),
  },
  {
    name: "POST /api/tasks/:id/reclaim",
    method: "POST",
    setup: async () => ({ path: `${task(await made("running"))}/reclaim`, valid: { reason: "stuck" } }),
    wrongTypes: [{ reason: 5 }, { reason: ["x"] }, { pid: 1 }],
    huge: [{ reason: big(2001) }],
    unknownId: async () => ({ path: `/api/tasks/${UNKNOWN_ID}/reclaim`, valid: {} }),
    illegal: (["ready", "blocked", "done", "archived"] as const).map((s) => ({
      name: `reclaim a ${s} task`,
      setup: async () => ({ path: `${task(await made(s))}/reclaim`, valid: {} }),
    })),
  },
  {
    name: "POST /api/tasks/:id/archive",
    method: "POST",
    setup: async () => ({ path: `${task(await made("ready"))}/archive`, valid: {} }),
    wrongTypes: [{ archive: true }, { reason: "x" }],
    huge: [{ note: big(500_000) }],
    unknownId: async () => ({ path: `/api/tasks/${UNKNOWN_ID}/archive`, valid: {} }),
    illegal: [{ name: "archive an archived task", setup: async () => ({ path: `${task(await made("archived"))}/archive`, valid: {} }) }],
  },
  {
    name: "POST /api/tasks/bulk",
    method: "POST",
    setup: async () => {
      const [a, b] = [await made("ready"), await made("ready")];
      return { path: "/api/tasks/bulk", valid: { ids: [a.id, b.id], priority: 4 } };
    },
    wrongTypes: [
      { ids: "t_1", archive: true }, { ids: [1, 2], archive: true }, { ids: ["bad id!"], archive: true }, { ids: ["t_1"], status: "finished" },
      { ids: ["t_1"], priority: "high" }, { ids: ["t_1"], archive: "yes" }, { ids: ["t_1"], delete: 1 }, { ids: ["t_1"], assignee: 3 },
    ],
    missing: [{}, { archive: true }, { ids: [] , archive: true }, { ids: ["t_1"] }, { ids: ["t_1"], archive: false }],
    huge: [{ ids: Array.from({ length: 1001 }, (_, i) => `t_${i}`), archive: true }, { ids: ["t_1"], status: "done", summary: big(20_001) }, { ids: [big(65)], archive: true }],
  },
  {
    name: "POST /api/links",
    method: "POST",
    setup: async () => {
      const [p, c] = [await made("ready"), await made("ready")];
      return { path: "/api/links", valid: { parent_id: p.id, child_id: c.id } };
    },
    wrongTypes: [{ parent_id: 1, child_id: "t_1" }, { parent_id: "t_1", child_id: ["t_2"] }, { parent_id: "bad id!", child_id: "t_1" }, { parent_id: null, child_id: "t_1" }],
    missing: [{}, { parent_id: "t_1" }, { child_id: "t_1" }, { parent_id: "", child_id: "t_1" }],
    huge: [{ parent_id: big(65), child_id: "t_1" }],
    unknownId: async () => ({ path: "/api/links", valid: { parent_id: UNKNOWN_ID, child_id: (await made("ready")).id } }),
    illegal: [
      {
        name: "a link that closes a cycle",
        setup: async () => {
          const t = await made("todo");
          return { path: "/api/links", valid: { parent_id: t.id, child_id: t.parentId } };
        },
      },
    ],
  },
  {
    name: "DELETE /api/links",
    method: "DELETE",
    setup: async () => {
      const t = await made("todo");
      return { path: `/api/links?parent_id=${t.parentId}&child_id=${t.id}`, valid: {} };
    },
    wrongTypes: [{ parent_id: "t_1" }, { force: true }],
    huge: [{ note: big(500_000) }],
    unknownId: async () => ({ path: `/api/links?parent_id=${UNKNOWN_ID}&child_id=${(await made("ready")).id}`, valid: {} }),
  },
];

/** What an unknown id is for each endpoint: 404, except where the id is data inside the body. */
function unknownIdExpectation(e: Endpoint): [number, string] {
  return e.name === "POST /api/tasks" ? [400, "validation"] : [404, "not_found"];
}

/** Sends one request and asserts the refusal and that no table changed. */
async function refused(method: string, p: string, init: { body?: string; headers?: Record<string, string> }, status: number, code: string) {
  const before = db.dump();
  const r = await api.call(method, p, undefined, { raw: init.body, headers: init.headers });
  expectError(r, status, code);
  expect(db.dump(), `${method} ${p} changed the database`).toBe(before);
  return r;
}

const json = (b: unknown) => ({ body: JSON.stringify(b), headers: { "content-type": "application/json" } });

describe.each(ENDPOINTS)("$name", (e) => {
  it("the valid request used as the baseline succeeds", async () => {
    const t = await e.setup();
    const r = await api.call(e.method, t.path, undefined, { raw: JSON.stringify(t.valid), headers: { "content-type": "application/json" } });
    expect(r.status, r.text).toBeLessThan(300);
  });

  it("malformed JSON → 400 invalid_json", async () => {
    const t = await e.setup();
    for (const text of ["{", "{'a': 1}", '{"title": "x",}', "undefined", "NaN", '{"a":1}garbage', "\u0000", "[".repeat(10_000)]) {
      await refused(e.method, t.path, { body: text, headers: { "content-type": "application/json" } }, 400, "invalid_json");
    }
  });

  it("JSON that is not an object → 400 validation", async () => {
    const t = await e.setup();
    for (const v of [null, [], [t.valid], "a string", 42, true]) await refused(e.method, t.path, json(v), 400, "validation");
  });

  it("wrong types → 400 validation", async () => {
    const t = await e.setup();
    for (const b of e.wrongTypes) await refused(e.method, t.path, json({ ...b }), 400, "validation");
  });

  if (e.missing) it("missing or blank required fields → 400 validation", async () => {
    const t = await e.setup();
    for (const b of e.missing!) await refused(e.method, t.path, json(b), 400, "validation");
  });

  it("an unknown field → 400 validation naming it", async () => {
    const t = await e.setup();
    const r = await refused(e.method, t.path, json({ ...t.valid, surprise_field: 1 }), 400, "validation");
    expect(r.json.error.message).toContain("surprise_field");
  });

  it("huge strings and arrays → 400 validation", async () => {
    const t = await e.setup();
    for (const b of e.huge) await refused(e.method, t.path, json({ ...t.valid, ...b }), 400, "validation");
  });

  if (e.unknownId) it("an unknown id → 404 not_found (400 for an unknown parent on create)", async () => {
    const t = await e.unknownId!();
    const [status, code] = unknownIdExpectation(e);
    const r = await refused(e.method, t.path, json(t.valid), status, code);
    expect(r.json.error.message).toContain(UNKNOWN_ID);
  });

  if (e.illegal) it("illegal transitions → 409 conflict", async () => {
    for (const c of e.illegal!) {
      const t = await c.setup();
      const r = await refused(e.method, t.path, json(t.valid), 409, "conflict");
      expect(r.json.error.message.length, c.name).toBeGreaterThan(10);
    }
  });

  it("non-JSON content types → 415 unsupported_media_type", async () => {
    const t = await e.setup();
    const body = JSON.stringify(t.valid);
    for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/html", "application/xml", "application/jsonp"]) {
      await refused(e.method, t.path, { body, headers: { "content-type": type } }, 415, "unsupported_media_type");
    }
  });

  it("a body with no content type at all → 415", async () => {
    const t = await e.setup();
    const before = db.dump();
    const r = await rawRequest(srv.port, { method: e.method, path: t.path, body: JSON.stringify(t.valid) });
    expectError(r, 415, "unsupported_media_type");
    expect(db.dump()).toBe(before);
  });

  it("a malformed %-escape in the path → 400, not a 500", async () => {
    const t = await e.setup();
    const broken = t.path.includes("/api/tasks/t_") ? t.path.replace(/\/api\/tasks\/t_[0-9a-f]{8}/, "/api/tasks/%E0%A4%A") : t.path.replace(/^\/api\/[a-z]+/, "$&/%ZZ");
    await refused(e.method, broken, json(t.valid), 400, "validation");
  });

  it("a body over 1 MiB with Content-Length → 413 too_large", async () => {
    const t = await e.setup();
    await refused(e.method, t.path, { body: jsonOfSize(MiB + 1), headers: { "content-type": "application/json" } }, 413, "too_large");
    // Multi-byte characters count as bytes, not characters.
    await refused(e.method, t.path, { body: JSON.stringify({ title: "€".repeat(400_000) }), headers: { "content-type": "application/json" } }, 413, "too_large");
  });

  it("a body over 1 MiB sent chunked (no Content-Length) → 413 too_large", async () => {
    const t = await e.setup();
    const before = db.dump();
    const r = await rawRequest(srv.port, { method: e.method, path: t.path, headers: { "content-type": "application/json" }, chunks: chunksOf(jsonOfSize(MiB + 1)) });
    expectError(r, 413, "too_large");
    expect(db.dump()).toBe(before);
  });
});

const COMMENT = '{"author":"ann","body":"';

describe("the 1 MiB limit, exactly", () => {
  it("a body of exactly 1 MiB is read (and judged on its content), one byte more is 413", async () => {
    const t = await taskIn(api, "ready");
    const p = `/api/tasks/${t.id}/comments`;
    // Exactly 1 MiB: read in full, then refused by validation (comment body too long), not by size.
    await refused("POST", p, { body: jsonOfSize(MiB, COMMENT), headers: { "content-type": "application/json" } }, 400, "validation");
    await refused("POST", p, { body: jsonOfSize(MiB + 1, COMMENT), headers: { "content-type": "application/json" } }, 413, "too_large");
    const chunked = await rawRequest(srv.port, { method: "POST", path: p, headers: { "content-type": "application/json" }, chunks: chunksOf(jsonOfSize(MiB, COMMENT)) });
    expectError(chunked, 400, "validation");
  });

  it("a large body within the limit is accepted whole", async () => {
    const text = "y".repeat(900_000);
    const r = await api.post("/api/tasks", { title: "big body", body: text });
    expect(r.status).toBe(201);
    expect((await api.get(`/api/tasks/${r.json.id}`)).json.task.body).toBe(text);
  });

  it("after a chunked 413 the server still answers on a kept-alive connection", async () => {
    const t = await taskIn(api, "ready");
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (body: string[] | string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: "127.0.0.1", port: srv.port, method: "POST", path: `/api/tasks/${t.id}/comments`, agent, headers: { "content-type": "application/json", ...(Array.isArray(body) ? { "transfer-encoding": "chunked" } : {}) } },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", () => undefined); // a reset after the answer is fine
        setTimeout(() => reject(new Error("no answer in 5 s: the connection hangs")), 5000).unref();
        if (Array.isArray(body)) {
          for (const c of body) req.write(c);
          req.end();
        } else req.end(body);
      });
    try {
      expect(await send(chunksOf(jsonOfSize(2 * MiB, COMMENT)))).toBe(413);
      expect(await send(JSON.stringify({ body: "still alive" }))).toBe(201);
    } finally {
      agent.destroy();
    }
  });
});

describe("bulk: unknown ids and refused cards are per-id results, not request errors", () => {
  it("unknown ids → 200 with per-id not_found, nothing written", async () => {
    const before = db.dump();
    const r = await api.post("/api/tasks/bulk", { ids: [UNKNOWN_ID, "t_ffffffff"], archive: true });
    expect(r.status).toBe(200);
    expect(r.json.ok).toBe(false);
    expect(r.json.results.map((x: any) => [x.id, x.ok, x.error.code])).toEqual([[UNKNOWN_ID, false, "not_found"], ["t_ffffffff", false, "not_found"]]);
    expect(db.dump()).toBe(before);
  });

  it("illegal moves → 200 with per-id conflict, those cards unchanged", async () => {
    const [a, b] = [await taskIn(api, "ready"), await taskIn(api, "archived")];
    const before = db.dump();
    const r = await api.post("/api/tasks/bulk", { ids: [a.id, b.id], status: "running" });
    expect(r.status).toBe(200);
    expect(r.json.results).toMatchObject([{ id: a.id, ok: false, error: { code: "conflict" } }, { id: b.id, ok: false, error: { code: "conflict" } }]);
    expect(db.dump()).toBe(before);
  });
});

describe("read endpoints never 500 on bad query input either", () => {
  it.each([
    "/api/tasks?limit=-5", "/api/tasks?limit=1e3", "/api/tasks?status=running,nope", "/api/tasks?include_archived=2",
    "/api/events?since=1.5", "/api/events?limit=99999", "/api/board?include_archived=x", "/api/tasks/%ZZ", "/api/tasks/%E0%A4%A/runs",
    "/api/tasks/t_00000000/log?tail=0", "/api/tasks/t_00000000/events?limit=abc",
  ])("GET %s → 4xx in the error shape", async (p) => {
    const r = await api.get(p);
    expect(r.status, r.text).toBeGreaterThanOrEqual(400);
    expect(r.status, r.text).toBeLessThan(500);
    expect(Object.keys(r.json ?? {})).toEqual(["error"]);
  });
});
