/**
 * Security of the HTTP layer (SPEC §10): Host checks against DNS rebinding, Origin checks on
 * unsafe methods and WebSocket upgrades, the token when bound off loopback (bearer header and the
 * login-link cookie), `x-middleware-subrequest` bypassing nothing, and XSS payloads stored in
 * tasks coming back as inert JSON data. All traffic goes to 127.0.0.1.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { startServer, type RunningServer } from "./server-harness";
import { client, expectError, openDump, rawRequest, type Client, type Dumper } from "./api/http";
import { createTask } from "./api/fixtures";

const TOKEN = "test-token-5f1c9a7e2b4d4c0e8a6b3d9f0e1a2b3c";
const EVIL = "http://evil.example";
/** The Next.js middleware-bypass header (CVE-2025-29927), in the spellings that mattered. */
const SUBREQUEST = ["middleware", "middleware:middleware:middleware:middleware:middleware", "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware", "proxy:proxy:proxy:proxy:proxy"];

/** Opens a WebSocket and reports how the handshake went. */
function upgrade(port: number, opts: { origin?: string; headers?: Record<string, string>; path?: string } = {}): Promise<{ opened: boolean; status?: number; body?: string; first?: any }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${opts.path ?? "/ws"}`, { origin: opts.origin, headers: opts.headers });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error("WebSocket handshake neither opened nor failed in 5 s"));
    }, 5000);
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ opened: false, status: res.statusCode, body });
      });
    });
    ws.on("message", (data) => {
      clearTimeout(timer);
      ws.close();
      resolve({ opened: true, first: JSON.parse(String(data)) });
    });
    ws.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe("loopback server (the default)", () => {
  let srv: RunningServer;
  let api: Client;
  let db: Dumper;
  let hostOk: string;

  beforeAll(async () => {
    srv = await startServer();
    api = client(srv);
    db = openDump(srv.home);
    hostOk = `127.0.0.1:${srv.port}`;
  });
  afterAll(async () => {
    db?.close();
    await srv?.stop();
  });

  describe("Host header (DNS rebinding)", () => {
    const forged = (port: number) => [
      "evil.example", `evil.example:${port}`, `rebind.attacker.test:${port}`, "127.0.0.1", `127.0.0.1:${port + 1}`,
      `127.0.0.1:${port}.evil.example`, `localhost:${port}@evil.example`, `0.0.0.0:${port}`, `10.0.0.1:${port}`,
    ];

    it("a forged Host gets 403 forbidden on reads, writes, pages and upgrades; nothing runs", async () => {
      for (const host of forged(srv.port)) {
        for (const [method, path, body] of [["GET", "/api/board"], ["GET", "/api/tasks"], ["GET", "/"], ["POST", "/api/tasks", '{"title":"rebound"}']] as const) {
          const before = db.dump();
          const r = await rawRequest(srv.port, { method, path, headers: { host, ...(body ? { "content-type": "application/json" } : {}) }, body });
          expectError(r, 403, "forbidden");
          expect(db.dump()).toBe(before);
        }
      }
    });

    it("no Host header at all → our JSON 400 (HTTP/1.1 and HTTP/1.0 alike), nothing served", async () => {
      const r = await rawRequest(srv.port, { path: "/api/board", omitHost: true });
      expect(r.status).toBe(400);
      expect(r.text).not.toContain("columns");
      expect(JSON.parse(r.text)).toEqual({ error: { code: "bad_request", message: "the request has no Host header" } });
      const raw = await new Promise<string>((resolve, reject) => {
        const sock = net.connect(srv.port, "127.0.0.1", () => sock.write("GET /api/board HTTP/1.0\r\n\r\n"));
        let out = "";
        sock.on("data", (c) => (out += c));
        sock.on("end", () => resolve(out));
        sock.on("error", reject);
      });
      expect(raw).toMatch(/^HTTP\/1\.[01] 400 /);
      expect(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)).error.code).toBe("bad_request");
    });

    it("a method a route does not support → 405 with the JSON error shape, data unchanged", async () => {
      const before = db.dump();
      for (const [method, path] of [["PUT", "/api/tasks"], ["DELETE", "/api/board"], ["PATCH", "/api/health"], ["PUT", "/api/links"]] as const) {
        const r = await rawRequest(srv.port, { method, path, headers: { host: `127.0.0.1:${srv.port}`, "content-type": "application/json" }, body: "{}" });
        expect(r.status, `${method} ${path}`).toBe(405);
        expect(r.headers["content-type"]).toMatch(/^application\/json/);
        expect(JSON.parse(r.text)).toEqual({ error: { code: "method_not_allowed", message: `${method} is not supported on ${path}` } });
      }
      expect(db.dump()).toBe(before);
    });

    it("a forged Host is refused before the body limit, the token or routing", async () => {
      const r = await rawRequest(srv.port, { method: "POST", path: "/api/nothing", headers: { host: "evil.example", "content-type": "application/json", "content-length": String(5 * 1024 * 1024) } });
      expectError(r, 403, "forbidden");
    });

    it("the loopback names this server answers to work", async () => {
      for (const host of [hostOk, `localhost:${srv.port}`, `LOCALHOST:${srv.port}`]) {
        const r = await rawRequest(srv.port, { path: "/api/health", headers: { host } });
        expect(r.status, `${host}: ${r.text}`).toBe(200);
      }
    });

    it("a forged Host on a WebSocket upgrade → 403", async () => {
      const r = await upgrade(srv.port, { headers: { host: "evil.example" } });
      expect(r).toMatchObject({ opened: false, status: 403 });
      expect(JSON.parse(r.body!).error.code).toBe("forbidden");
    });
  });

  describe("Origin (cross-site requests)", () => {
    it.each(["POST", "PATCH", "DELETE"] as const)("a cross-site Origin on %s → 403, nothing changes", async (method) => {
      const t = await createTask(api);
      const path = method === "POST" ? `/api/tasks/${t.id}/comments` : `/api/tasks/${t.id}`;
      const body = method === "PATCH" ? { title: "hijacked" } : method === "POST" ? { body: "csrf" } : undefined;
      for (const origin of [EVIL, "null", `http://127.0.0.1:${srv.port + 1}`, `http://evil.example:${srv.port}`, `http://127.0.0.1:${srv.port}.evil.example`]) {
        const before = db.dump();
        const r = await api.call(method, path, body, { headers: { origin } });
        expectError(r, 403, "forbidden");
        expect(db.dump()).toBe(before);
      }
    });

    it("a form post from another site (simple request, no preflight) → 403", async () => {
      const before = db.dump();
      const r = await api.call("POST", "/api/tasks", undefined, { raw: "title=csrf", headers: { origin: EVIL, "content-type": "application/x-www-form-urlencoded" } });
      expectError(r, 403, "forbidden");
      expect(db.dump()).toBe(before);
    });

    it("Sec-Fetch-Site: cross-site without an Origin → 403", async () => {
      const before = db.dump();
      const r = await api.post("/api/tasks", { title: "csrf" }, { headers: { "sec-fetch-site": "cross-site" } });
      expectError(r, 403, "forbidden");
      expect(db.dump()).toBe(before);
    });

    it("the server's own origin (and no Origin, as from curl or a worker) may write", async () => {
      for (const origin of [`http://127.0.0.1:${srv.port}`, `http://localhost:${srv.port}`]) {
        expect((await api.post("/api/tasks", { title: "same-site" }, { headers: { origin } })).status).toBe(201);
      }
      expect((await api.post("/api/tasks", { title: "no origin" })).status).toBe(201);
    });

    it("a cross-site Origin on a safe GET is not a write and is answered", async () => {
      expect((await api.get("/api/health", { headers: { origin: EVIL } })).status).toBe(200);
    });

    it("a cross-site Origin on a WebSocket upgrade → 403; the server's own origin connects", async () => {
      const bad = await upgrade(srv.port, { origin: EVIL });
      expect(bad).toMatchObject({ opened: false, status: 403 });
      expect(JSON.parse(bad.body!).error).toMatchObject({ code: "forbidden" });
      const nullOrigin = await upgrade(srv.port, { origin: "null" });
      expect(nullOrigin).toMatchObject({ opened: false, status: 403 });
      const ok = await upgrade(srv.port, { origin: `http://127.0.0.1:${srv.port}` });
      expect(ok.opened).toBe(true);
      expect(ok.first.type).toBe("hello");
    });
  });

  describe("x-middleware-subrequest bypasses nothing", () => {
    it.each(SUBREQUEST)("with x-middleware-subrequest: %s, a forged Host and a cross-site Origin are still 403", async (value) => {
      const before = db.dump();
      const host = await rawRequest(srv.port, { method: "POST", path: "/api/tasks", headers: { host: "evil.example", "x-middleware-subrequest": value, "content-type": "application/json" }, body: '{"title":"x"}' });
      expectError(host, 403, "forbidden");
      const origin = await api.post("/api/tasks", { title: "x" }, { headers: { origin: EVIL, "x-middleware-subrequest": value } });
      expectError(origin, 403, "forbidden");
      expect(db.dump()).toBe(before);
    });

    it("and it does not change how a normal request is answered", async () => {
      const r = await api.post("/api/tasks", { title: "   " }, { headers: { "x-middleware-subrequest": SUBREQUEST[1] } });
      expectError(r, 400, "validation");
    });
  });

  describe("XSS payloads come back as data", () => {
    const PAYLOADS = [
      "<img src=x onerror=alert(1)>",
      "<script>alert(document.cookie)</script>",
      '"><svg/onload=alert(1)>',
      "</script><script>alert(1)</script>",
      "[click](javascript:alert(1))",
      "\u2028\u2029<iframe srcdoc='<script>alert(1)</script>'>",
    ];

    it("title, body and comments are stored and returned byte-for-byte, as JSON", async () => {
      const title = PAYLOADS.slice(0, 3).join(" ");
      const body = PAYLOADS.join("\n");
      const created = await api.post("/api/tasks", { title, body, tenant: "<b>t</b>" });
      expect(created.status).toBe(201);
      const id = created.json.id;
      const comments: string[] = [];
      for (const p of PAYLOADS) {
        const r = await api.post(`/api/tasks/${id}/comments`, { body: p, author: "<script>x</script>" });
        expect(r.status).toBe(201);
        comments.push(p);
      }
      for (const path of [`/api/tasks/${id}`, `/api/tasks?ids=${id}`, "/api/board", `/api/tasks/${id}/context`]) {
        const r = await api.get(path);
        expect(r.status).toBe(200);
        expect(r.headers.get("content-type")).toMatch(/^application\/json/);
      }
      const detail = (await api.get(`/api/tasks/${id}`)).json;
      expect(detail.task.title).toBe(title);
      expect(detail.task.body).toBe(body);
      expect(detail.task.tenant).toBe("<b>t</b>");
      expect(detail.comments.map((c: any) => c.body)).toEqual(comments);
      expect(detail.comments.every((c: any) => c.author === "<script>x</script>")).toBe(true);
      const list = (await api.get(`/api/tasks?ids=${id}`)).json;
      expect(list[0].title).toBe(title);
      const card = (await api.get("/api/board")).json.columns.flatMap((c: any) => c.cards).find((c: any) => c.id === id);
      expect(card.title).toBe(title);
      // In the database too: stored as given, not escaped or stripped.
      expect(db.db.prepare("SELECT title, body FROM tasks WHERE id = ?").get(id)).toEqual({ title, body });
    });

    it("a payload in an error message is still JSON, never HTML", async () => {
      const r = await api.get(`/api/tasks/${encodeURIComponent("<script>alert(1)</script>")}`);
      expectError(r, 404, "not_found");
      expect(r.json.error.message).toContain("<script>alert(1)</script>");
    });
  });
});

describe("non-loopback bind (0.0.0.0) with a token", () => {
  let srv: RunningServer;
  let api: Client;
  let authed: Client;
  let db: Dumper;

  beforeAll(async () => {
    srv = await startServer({ host: "0.0.0.0", env: { KANBAN_TOKEN: TOKEN } });
    api = client(srv);
    authed = client(srv, { authorization: `Bearer ${TOKEN}` });
    db = openDump(srv.home);
  });
  afterAll(async () => {
    db?.close();
    await srv?.stop();
  });

  it("prints the login link at start", async () => {
    // The line after "listening on" (the harness resolves on that one): give it a moment.
    await vi.waitFor(() => expect(srv.output()).toContain(`/login?token=${TOKEN}`), { timeout: 3000 });
  });

  it("without the token: 401 unauthorized on API reads, writes and pages", async () => {
    for (const [method, path, body] of [["GET", "/api/board"], ["GET", "/api/health"], ["GET", "/"], ["POST", "/api/tasks", { title: "x" }], ["GET", "/api/nothing"]] as const) {
      const before = db.dump();
      const r = await api.call(method, path, body);
      expectError(r, 401, "unauthorized");
      expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(db.dump()).toBe(before);
    }
  });

  it("a wrong token, a malformed header or the token in the query string → 401", async () => {
    for (const headers of <Record<string, string>[]>[
      { authorization: `Bearer ${TOKEN}x` }, { authorization: `Bearer ${TOKEN.slice(0, -1)}` }, { authorization: TOKEN },
      { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString("base64")}` }, { cookie: "kanban_token=nope" }, { cookie: `other=${TOKEN}` },
    ]) {
      expectError(await api.get("/api/board", { headers }), 401, "unauthorized");
    }
    expectError(await api.get(`/api/board?token=${TOKEN}`), 401, "unauthorized");
  });

  it("with Authorization: Bearer <token>: 200", async () => {
    const r = await authed.get("/api/board");
    expect(r.status).toBe(200);
    const c = await authed.post("/api/tasks", { title: "with a token" });
    expect(c.status).toBe(201);
  });

  it("the token does not excuse a forged Host or a cross-site Origin", async () => {
    const host = await rawRequest(srv.port, { path: "/api/board", headers: { host: "evil.example", authorization: `Bearer ${TOKEN}` } });
    expectError(host, 403, "forbidden");
    expectError(await authed.post("/api/tasks", { title: "x" }, { headers: { origin: EVIL } }), 403, "forbidden");
  });

  it("the login link: a wrong token is 401; the right one sets an HttpOnly SameSite=Strict cookie that authorizes", async () => {
    expectError(await api.get("/login?token=wrong"), 401, "unauthorized");
    expectError(await api.get("/login"), 401, "unauthorized");
    const res = await fetch(`${srv.url}/login?token=${encodeURIComponent(TOKEN)}`, { redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const cookie = cookies[0];
    const attrs = cookie.split(";").map((s) => s.trim().toLowerCase());
    expect(attrs).toContain("httponly");
    expect(attrs).toContain("samesite=strict");
    expect(attrs).toContain("path=/");
    const pair = cookie.split(";")[0];
    const withCookie = client(srv, { cookie: pair });
    expect((await withCookie.get("/api/board")).status).toBe(200);
    expect((await withCookie.post("/api/tasks", { title: "via cookie" })).status).toBe(201);
    expect((await withCookie.get("/")).status).toBe(200);
  });

  it("x-middleware-subrequest does not get past the token", async () => {
    for (const value of SUBREQUEST) {
      const before = db.dump();
      expectError(await api.get("/api/board", { headers: { "x-middleware-subrequest": value } }), 401, "unauthorized");
      expectError(await api.post("/api/tasks", { title: "x" }, { headers: { "x-middleware-subrequest": value } }), 401, "unauthorized");
      expectError(await api.get("/", { headers: { "x-middleware-subrequest": value } }), 401, "unauthorized");
      expect(db.dump()).toBe(before);
    }
  });

  it("paths that look like /login do not skip the token", async () => {
    for (const path of ["/login/../api/tasks", "/login%2f..%2fapi/tasks", "/api/tasks?/login", "/login/../api/board", "//login/../api/tasks"]) {
      const r = await rawRequest(srv.port, { path, headers: { host: `127.0.0.1:${srv.port}` } });
      expect(r.status, `${path}: ${r.text.slice(0, 200)}`).not.toBe(200);
      expect(r.text).not.toContain('"title"');
    }
    // Absolute-form request targets are judged by their path too.
    const abs = await rawRequest(srv.port, { path: `http://127.0.0.1:${srv.port}/api/tasks`, headers: { host: `127.0.0.1:${srv.port}` } });
    expectError(abs, 401, "unauthorized");
  });

  it("WebSocket upgrades need the token too", async () => {
    const origin = `http://127.0.0.1:${srv.port}`;
    const none = await upgrade(srv.port, { origin });
    expect(none).toMatchObject({ opened: false, status: 401 });
    expect(JSON.parse(none.body!).error.code).toBe("unauthorized");
    const bearer = await upgrade(srv.port, { origin, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.opened).toBe(true);
    const cookie = await upgrade(srv.port, { origin, headers: { cookie: `kanban_token=${TOKEN}` } });
    expect(cookie.opened).toBe(true);
    const evil = await upgrade(srv.port, { origin: EVIL, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(evil).toMatchObject({ opened: false, status: 403 });
  });
});
