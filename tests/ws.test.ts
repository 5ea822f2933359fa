/**
 * The `/ws` event stream end to end (SPEC §9): the real production server (startServer), real
 * `ws` clients, and writes from other OS processes (tests/ws/writer.ts opens its own kernel
 * connection; a few writes go through the real `bin/kanban.mjs`). Every received id list is
 * compared with the database's own `SELECT id FROM task_events WHERE id > ? ORDER BY id`.
 *
 * Needs `npm run build` first (the harness refuses otherwise).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, execFile } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import WebSocket from "ws";
import Database from "better-sqlite3";
import { startServer, REPO, type RunningServer } from "./server-harness";
import { parseServerMessage, type ServerMessage, type WsEvent } from "../lib/ws-protocol";

const execFileP = promisify(execFile);

// ── helpers ─────────────────────────────────────────────────────────────────────────────────

interface Closed {
  code: number;
  reason: string;
}

/** A `ws` client that records every frame, checks the stream's invariants as it goes. */
class Client {
  readonly frames: ServerMessage[] = [];
  readonly events: WsEvent[] = [];
  /** Receive time (performance.timeOrigin + now) of each event id. */
  readonly receivedAt = new Map<number, number>();
  readonly violations: string[] = [];
  cursor = -1;
  closed: Closed | null = null;
  readonly closedP: Promise<Closed>;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const t = performance.timeOrigin + performance.now();
      const m = parseServerMessage(data.toString());
      if (!m) {
        this.violations.push(`unparseable frame ${data.toString().slice(0, 80)}`);
        return;
      }
      this.frames.push(m);
      if (m.type === "hello" || m.type === "resync") this.cursor = m.cursor;
      if (m.type === "events") {
        if (m.events.length === 0) this.violations.push("empty events frame");
        let prev = this.cursor;
        for (const e of m.events) {
          if (e.id <= prev) this.violations.push(`event ${e.id} after ${prev}`);
          prev = e.id;
          this.events.push(e);
          this.receivedAt.set(e.id, t);
        }
        if (m.cursor !== prev) this.violations.push(`frame cursor ${m.cursor} is not its last id ${prev}`);
        this.cursor = m.cursor;
      }
      this.notify();
    });
    this.closedP = new Promise((resolve) => {
      ws.on("close", (code, reason) => {
        this.closed = { code, reason: reason.toString() };
        resolve(this.closed);
        this.notify();
      });
    });
    ws.on("error", () => {});
  }

  /** `pauseMs`: stop reading the socket for that long right after the upgrade. */
  static async open(url: string, opts: WebSocket.ClientOptions & { pauseMs?: number } = {}): Promise<Client> {
    const { pauseMs, ...wsOpts } = opts;
    const c = new Client(new WebSocket(url, wsOpts));
    if (pauseMs) {
      c.ws.once("open", () => {
        const sock = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
        sock.pause();
        setTimeout(() => sock.resume(), pauseMs);
      });
    }
    await c.until(() => c.frames.length > 0 || c.closed !== null, 10_000, "first frame");
    return c;
  }

  get hello() {
    const h = this.frames[0];
    if (h?.type !== "hello") throw new Error(`first frame is not hello: ${JSON.stringify(h)}`);
    return h;
  }

  ids(): number[] {
    return this.events.map((e) => e.id);
  }

  private notify() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once `pred` holds (checked on every frame/close), or fails after `ms`. */
  async until(pred: () => boolean, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} (cursor ${this.cursor}, ${this.events.length} events, closed ${JSON.stringify(this.closed)})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): Promise<Closed> {
    this.ws.close();
    return this.closedP;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let srv: RunningServer;
let dbFile: string;
let wsBase: string;

/** Runs tests/ws/writer.ts in its own process; resolves with its JSON lines. */
function writer(args: string[], onLine?: (o: Record<string, unknown>) => void): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const cp = spawn(process.execPath, ["--import", "tsx", path.join(REPO, "tests/ws/writer.ts"), ...args], {
      cwd: REPO,
      env: { ...process.env, KANBAN_HOME: srv.home, KANBAN_DB: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: Record<string, unknown>[] = [];
    let buf = "";
    let err = "";
    cp.stdout.on("data", (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const o = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
        buf = buf.slice(i + 1);
        lines.push(o);
        onLine?.(o);
      }
    });
    cp.stderr.on("data", (d) => (err += d));
    cp.on("error", reject);
    cp.on("exit", (code) => (code === 0 ? resolve(lines) : reject(new Error(`writer ${args.join(" ")} exited ${code}: ${err}${buf}`))));
  });
}

/** One real CLI write (`node bin/kanban.mjs create`). */
async function cliCreate(title: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, KANBAN_HOME: srv.home };
  for (const k of ["KANBAN_DB", "KANBAN_TASK", "KANBAN_RUN_ID", "KANBAN_TENANT", "KANBAN_PROFILE"]) delete env[k];
  await execFileP(process.execPath, [path.join(REPO, "bin/kanban.mjs"), "create", title], { cwd: REPO, env });
}

/** The database's own answer: event ids after `after`, in order. */
function dbIds(after: number): number[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT id FROM task_events WHERE id > ? ORDER BY id").all(after) as { id: number }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

beforeAll(async () => {
  srv = await startServer();
  dbFile = path.join(srv.home, "kanban.db");
  wsBase = `ws://127.0.0.1:${srv.port}/ws`;
  await cliCreate("seed"); // so the database has events before the first client
});

afterAll(async () => {
  await srv?.stop();
});

// ── the stream ──────────────────────────────────────────────────────────────────────────────

describe("/ws event stream", () => {
  let lastCursor = 0; // handed from test 1 to test 2

  it("delivers every event of another process's 1,000 changes (plus real CLI writes) in order, once", async () => {
    const c = await Client.open(wsBase);
    const hello = c.hello;
    expect(hello).toMatchObject({ type: "hello", v: 1 });
    expect(hello.cursor).toBe(dbIds(0).at(-1)); // without since: the newest id

    await Promise.all([
      writer(["changes", "1000"]),
      (async () => {
        for (let i = 0; i < 3; i++) await cliCreate(`cli write ${i}`);
      })(),
    ]);
    const expected = dbIds(hello.cursor);
    expect(expected.length).toBe(1003);
    await c.until(() => c.cursor >= expected.at(-1)!, 10_000, "all 1003 events");
    expect(c.violations).toEqual([]);
    expect(c.ids()).toEqual(expected);
    // 500 creates + 500 edits from the writer, 3 creates from the CLI.
    expect(c.events.filter((e) => e.kind === "created").length).toBe(503);
    expect(c.events.filter((e) => e.kind === "edited").length).toBe(500);
    lastCursor = c.cursor;
    await c.close();
  });

  it("resumes with since=<last cursor>: exactly the 100 events written while away", async () => {
    expect(lastCursor).toBeGreaterThan(0);
    await writer(["changes", "100"]);
    const expected = dbIds(lastCursor);
    expect(expected.length).toBe(100);

    const c = await Client.open(`${wsBase}?since=${lastCursor}`);
    expect(c.hello.cursor).toBe(lastCursor);
    await c.until(() => c.cursor >= expected.at(-1)!, 10_000, "the 100 missed events");
    await sleep(300); // nothing else may follow
    expect(c.violations).toEqual([]);
    expect(c.ids()).toEqual(expected);
    expect(c.frames.filter((f) => f.type === "resync")).toEqual([]);
    await c.close();
  });

  it("resumes a multi-page backlog while another process keeps writing: no gap, no duplicate", async () => {
    const since = dbIds(0).at(-1)!;
    // A backlog of 3 pages of ~5 KB events (~16 MB): more than the socket buffers hold, so the
    // server must wait for the client between pages while live batches keep arriving.
    await writer(["big", "3000"]);
    const watcher = await Client.open(wsBase);
    const live = writer(["changes", "3000"]);
    await watcher.until(() => watcher.events.length >= 200, 10_000, "the live burst to start");
    // Join mid-burst, and read nothing for 300 ms.
    const c = await Client.open(`${wsBase}?since=${since}`, { pauseMs: 300 });
    expect(dbIds(since).length).toBeLessThan(6000); // it joined while the burst was running
    expect(c.hello.cursor).toBe(since);
    const [done] = await live;
    await cliCreate("after the burst");
    const expected = dbIds(since);
    expect(expected.length).toBe(6001);
    expect(done).toMatchObject({ done: true });
    await c.until(() => c.cursor >= expected.at(-1)!, 15_000, "backlog + live events");
    expect(c.violations).toEqual([]);
    expect(c.ids()).toEqual(expected);
    await Promise.all([c.close(), watcher.close()]);
  });

  it("gives two clients the same stream", async () => {
    const [a, b] = await Promise.all([Client.open(wsBase), Client.open(wsBase)]);
    const start = Math.min(a.hello.cursor, b.hello.cursor);
    await writer(["changes", "300"]);
    const expected = dbIds(start);
    await Promise.all([a, b].map((c) => c.until(() => c.cursor >= expected.at(-1)!, 10_000, "300 events")));
    expect(a.violations).toEqual([]);
    expect(b.violations).toEqual([]);
    expect(a.ids()).toEqual(b.ids());
    expect(a.ids()).toEqual(expected.filter((id) => id > a.hello.cursor));
    await Promise.all([a.close(), b.close()]);
  });

  it("sees in-process API writes at once (rt.notify)", async () => {
    const c = await Client.open(wsBase);
    const t0 = Date.now();
    const res = await fetch(`${srv.url}/api/tasks`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "via API" }) });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await c.until(() => c.events.some((e) => e.task_id === id), 5_000, "the API write");
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(c.events.find((e) => e.task_id === id)?.kind).toBe("created");
    await c.close();
  });

  it("answers a since older than the retained events with resync, then keeps streaming", async () => {
    // Simulate gc: remove the oldest events straight from the file.
    const all = dbIds(0);
    const cut = all[Math.floor(all.length / 2)];
    const db = new Database(dbFile);
    db.pragma("busy_timeout = 5000");
    db.prepare("DELETE FROM task_events WHERE id <= ?").run(cut);
    db.close();

    const c = await Client.open(`${wsBase}?since=${all[3]}`);
    await c.until(() => c.frames.length >= 2, 5_000, "resync");
    expect(c.frames[0].type).toBe("hello");
    expect(c.frames[1]).toMatchObject({ type: "resync" });
    const resyncCursor = (c.frames[1] as { cursor: number }).cursor;
    expect(resyncCursor).toBe(dbIds(0).at(-1));
    expect(c.events).toEqual([]);

    // A cursor from another (newer) database is stale too.
    const future = await Client.open(`${wsBase}?since=${all.at(-1)! + 1_000_000}`);
    await future.until(() => future.frames.length >= 2, 5_000, "resync for a future cursor");
    expect(future.frames[1].type).toBe("resync");

    // The socket stays useful: new events follow the resync cursor.
    await writer(["changes", "10"]);
    const expected = dbIds(resyncCursor);
    await c.until(() => c.cursor >= expected.at(-1)!, 5_000, "events after resync");
    expect(c.ids()).toEqual(expected);
    expect(c.violations).toEqual([]);

    // since=0 is never stale: everything retained.
    const zero = await Client.open(`${wsBase}?since=0`);
    const retained = dbIds(0);
    await zero.until(() => zero.cursor >= retained.at(-1)!, 10_000, "all retained events");
    expect(zero.ids()).toEqual(retained);
    expect(zero.frames.some((f) => f.type === "resync")).toBe(false);
    await Promise.all([c.close(), future.close(), zero.close()]);
  });

  it("closes a client that stops reading (1013) while another still gets every event", async () => {
    const slow = await Client.open(wsBase);
    const start = slow.hello.cursor;
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const fast = await Client.open(wsBase);
    expect(fast.hello.cursor).toBe(start);

    await writer(["big", "8000"]); // ~5.3 KB per event, ~42 MB in all
    const expected = dbIds(start);
    await fast.until(() => fast.cursor >= expected.at(-1)!, 20_000, "every big event on the fast client");
    expect(fast.violations).toEqual([]);
    expect(fast.ids()).toEqual(expected);
    expect(fast.closed).toBeNull();
    expect(srv.output()).toMatch(/closing a slow WebSocket client/);

    // Let the slow one read what was queued for it: a prefix of the stream, then the close.
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await Promise.race([slow.closedP, sleep(15_000).then(() => null)]);
    expect(closed).not.toBeNull();
    expect(closed!.code).toBe(1013);
    const m = /^client too slow; reconnect with since=(\d+)$/.exec(closed!.reason);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(slow.cursor); // the close frame follows everything it was sent
    expect(slow.violations).toEqual([]);
    expect(slow.ids()).toEqual(expected.slice(0, slow.events.length));
    expect(slow.events.length).toBeLessThan(expected.length);
    await fast.close();
  });

  it("refuses a malformed since with 1008 (and an error frame) and keeps serving", async () => {
    for (const bad of ["abc", "-5", "1.5", "", "1e3", "99999999999999999999", "1&since=2"]) {
      const c = await Client.open(`${wsBase}?since=${bad}`);
      const closed = await c.closedP;
      expect(closed.code, `since=${bad}`).toBe(1008);
      expect(closed.reason).toMatch(/since/);
      expect(c.frames[0]).toMatchObject({ type: "error", code: "bad_since" });
    }
    // Garbage from a client is ignored; an oversized frame closes only that client (1009).
    const g = await Client.open(wsBase);
    g.ws.send("not json");
    g.ws.send(Buffer.from([0, 1, 2, 255]));
    g.ws.send("x".repeat(200_000));
    expect((await g.closedP).code).toBe(1009);

    const ok = await Client.open(wsBase);
    expect(ok.hello.cursor).toBe(dbIds(0).at(-1));
    await ok.close();
    expect(srv.proc.exitCode).toBeNull();
  });

  it("measures commit → client latency for 200 writes by another process", async () => {
    const c = await Client.open(wsBase);
    const commits = new Map<string, number>();
    await writer(["latency", "200", "8"], (o) => {
      if (typeof o.task_id === "string") commits.set(o.task_id, o.t as number);
    });
    await c.until(() => [...commits.keys()].every((id) => c.events.some((e) => e.task_id === id)), 5_000, "200 creates");
    const lat: number[] = [];
    for (const e of c.events) {
      const t = commits.get(e.task_id);
      if (t !== undefined && e.kind === "created") lat.push(c.receivedAt.get(e.id)! - t);
    }
    expect(lat.length).toBe(200);
    const p50 = quantile(lat, 0.5);
    const p95 = quantile(lat, 0.95);
    console.log(`ws latency (other process → client, n=${lat.length}): p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms, max ${Math.max(...lat).toFixed(2)} ms`);
    expect(p95).toBeLessThan(1000); // sanity only; the benchmark reports the real figures
    await c.close();
  });
});

describe("/ws keep-alive", () => {
  let s2: RunningServer;
  beforeAll(async () => {
    s2 = await startServer({ env: { KANBAN_WS_PING_MS: "300" } });
  });
  afterAll(async () => {
    await s2?.stop();
  });

  it("terminates a client that does not answer pings; one that does stays", async () => {
    const url = `ws://127.0.0.1:${s2.port}/ws`;
    const mute = await Client.open(url, { autoPong: false });
    const good = await Client.open(url);
    const closed = await Promise.race([mute.closedP, sleep(3_000).then(() => null)]);
    expect(closed).not.toBeNull();
    expect(closed!.code).toBe(1006); // terminated: no close frame
    await sleep(700);
    expect(good.closed).toBeNull();
    await good.close();
  });
});
