/**
 * Real multi-process tests of the kernel over one SQLite file (SPEC §1 "all processes share one
 * SQLite file", §3.3 transactions and busy, §4.1 claim/create races, §4.2 crash detection).
 *
 * Children are real OS processes (`node --import tsx tests/procs/mp-*.ts`) that talk JSON lines on
 * stdout; racing children open the db, print `ready`, and start together when the test writes
 * `go` to every stdin (the barrier). Every test has its own temp dir and db file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openKernel, type Kernel } from "../server/kernel/index";
import { LinuxProcessControl } from "../server/kernel/process-control";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PROCS = "tests/procs";

type Msg = Record<string, any>;

/** One spawned process: its JSON stdout lines, stderr text and exit status. */
class Proc {
  readonly msgs: Msg[] = [];
  readonly raw: string[] = [];
  stderr = "";
  exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly cp: ChildProcess, readonly label: string) {
    readline.createInterface({ input: cp.stdout! }).on("line", (line) => {
      this.raw.push(line);
      try {
        const m = JSON.parse(line);
        if (m && typeof m === "object") this.msgs.push(m);
      } catch {
        /* not ours */
      }
    });
    cp.stderr!.on("data", (d) => (this.stderr += String(d)));
    this.exited = new Promise((resolve) => {
      cp.on("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.cp.pid!;
  }

  send(line: string) {
    this.cp.stdin!.write(line + "\n");
  }

  diag(): string {
    return `[${this.label} pid ${this.cp.pid}] exit=${JSON.stringify(this.exitInfo)} stdout=${this.raw.join("\\n").slice(0, 2000)} stderr=${this.stderr.slice(0, 4000)}`;
  }

  /** Polls (with a deadline) until a message matching `pred` arrives. */
  async waitFor(pred: (m: Msg) => boolean, what: string, timeoutMs = 30_000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fatal = this.msgs.find((m) => m.fatal);
      if (fatal) throw new Error(`${this.label} failed while waiting for ${what}: ${this.diag()}`);
      const m = this.msgs.find(pred);
      if (m) return m;
      if (this.exitInfo) throw new Error(`${this.label} exited before ${what}: ${this.diag()}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${this.diag()}`);
      await sleep(10);
    }
  }

  async waitExit(timeoutMs = 30_000) {
    return withDeadline(this.exited, timeoutMs, `exit of ${this.diag()}`);
  }
}

const started: Proc[] = [];
let tmp: string;
const kernels: Kernel[] = [];
const raws: Database.Database[] = [];

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

async function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts `node --import tsx tests/procs/<script>.ts ...args` from the repo root. */
function startChild(script: string, args: string[], label = script): Proc {
  const cp = spawn(process.execPath, ["--import", "tsx", path.join(PROCS, `${script}.ts`), ...args], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const p = new Proc(cp, label);
  started.push(p);
  return p;
}

/** Starts n racing children, waits until every one has opened the db, then releases them at once. */
async function startRacers(n: number, script: string, args: string[]): Promise<Proc[]> {
  const procs = Array.from({ length: n }, (_, i) => startChild(script, args, `${script}#${i}`));
  await Promise.all(procs.map((p) => p.waitFor((m) => m.ready, "ready", 45_000)));
  for (const p of procs) p.send("go");
  return procs;
}

function kernel(file: string, deps: Parameters<typeof openKernel>[1] = {}): Kernel {
  const k = openKernel(file, deps);
  kernels.push(k);
  return k;
}

function rawDb(file: string): Database.Database {
  const db = new Database(file);
  raws.push(db);
  return db;
}

function count(k: Kernel, sql: string, ...params: unknown[]): number {
  return (k.db.prepare(sql).get(...params) as { n: number }).n;
}

function integrity(k: Kernel): string {
  return k.db.pragma("integrity_check", { simple: true }) as string;
}

function eventsOf(k: Kernel, id: string, kind: string) {
  return k.events(id, 1000).filter((e) => e.kind === kind);
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kanban-mp-"));
});

afterEach(async () => {
  for (const p of started.splice(0)) {
    if (!p.exitInfo) {
      try {
        p.cp.kill("SIGKILL");
      } catch {
        /* gone */
      }
      await withDeadline(p.exited, 10_000, `cleanup of ${p.label}`).catch(() => {});
    }
  }
  for (const db of raws.splice(0)) {
    try {
      if (db.inTransaction) db.prepare("ROLLBACK").run();
    } catch {
      /* ignore */
    }
    db.close();
  }
  for (const k of kernels.splice(0)) {
    try {
      k.close();
    } catch {
      /* already closed */
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("multi-process kernel over one SQLite file", () => {
  /**
   * Creates n ready tasks, lets `procs` processes drain them with claimNext → complete, and checks
   * every task was claimed and completed exactly once. Returns the busy retries the children made.
   */
  async function claimRace(N: number, nProcs: number, busyMs?: number): Promise<number> {
    const file = path.join(tmp, "kanban.db");
    const k = kernel(file);
    const ids = new Set<string>();
    k.db.transaction(() => {
      for (let i = 0; i < N; i++) ids.add(k.create({ title: `task ${i}` }).task.id);
    })();
    expect(ids.size).toBe(N);
    expect(count(k, "SELECT COUNT(*) AS n FROM tasks WHERE status = 'ready'")).toBe(N);

    const t0 = Date.now();
    const procs = await startRacers(nProcs, "mp-claim-loop", busyMs == null ? [file] : [file, String(busyMs)]);
    const results = await Promise.all(procs.map((p) => p.waitFor((m) => m.done, "done", 50_000)));
    const exits = await Promise.all(procs.map((p) => p.waitExit()));
    const elapsed = Date.now() - t0;
    exits.forEach((e, i) => expect(e, procs[i].diag()).toEqual({ code: 0, signal: null }));

    const all: string[] = results.flatMap((r) => r.claimed as string[]);
    const perProc = results.map((r) => (r.claimed as string[]).length);
    const busyRetries = results.reduce((s, r) => s + (r.busyRetries as number), 0);
    console.log(`[claim race] ${N} tasks, busy_timeout ${busyMs ?? "default"}, per-process claims ${JSON.stringify(perProc)}, busy retries ${busyRetries}, ${elapsed} ms`);

    // every task claimed exactly once across all processes
    expect(all.length).toBe(N);
    expect(new Set(all).size).toBe(N);
    expect(new Set(all)).toEqual(ids);
    // the race was real
    expect(perProc.filter((n) => n > 0).length).toBeGreaterThan(1);

    // the database agrees
    expect(count(k, "SELECT COUNT(*) AS n FROM tasks")).toBe(N);
    expect(count(k, "SELECT COUNT(*) AS n FROM tasks WHERE status = 'done'")).toBe(N);
    expect(count(k, "SELECT COUNT(*) AS n FROM tasks WHERE claim_lock IS NOT NULL OR current_run_id IS NOT NULL")).toBe(0);
    expect(count(k, "SELECT COUNT(*) AS n FROM task_runs")).toBe(N);
    expect(count(k, "SELECT COUNT(DISTINCT task_id) AS n FROM task_runs")).toBe(N);
    expect(count(k, "SELECT COUNT(*) AS n FROM task_events WHERE kind = 'claimed'")).toBe(N);
    expect(count(k, "SELECT COUNT(*) AS n FROM task_events WHERE kind = 'completed'")).toBe(N);
    expect(count(k, "SELECT COUNT(*) AS n FROM task_runs WHERE outcome = 'completed' AND ended_at IS NOT NULL")).toBe(N);
    expect(count(k, "SELECT COUNT(*) AS n FROM task_runs WHERE ended_at IS NULL OR outcome IS NULL")).toBe(0);
    // each run was closed by the process that claimed it (summary names the claimer's pid)
    const byPid = new Map<string, number>();
    results.forEach((r) => (r.claimed as string[]).forEach((id) => byPid.set(id, r.pid as number)));
    const runs = k.db.prepare("SELECT task_id, summary FROM task_runs").all() as { task_id: string; summary: string }[];
    for (const r of runs) expect(r.summary).toBe(`done by ${byPid.get(r.task_id)}`);
    // claimed/completed events name a real run of their own task
    const bad = count(
      k,
      `SELECT COUNT(*) AS n FROM task_events e LEFT JOIN task_runs r ON r.id = e.run_id
       WHERE e.kind IN ('claimed','completed') AND (r.id IS NULL OR r.task_id != e.task_id)`,
    );
    expect(bad).toBe(0);
    expect(integrity(k)).toBe("ok");
    return busyRetries;
  }

  it("claim race: 8 processes drain 2,000 ready tasks, each claimed and completed exactly once", async () => {
    await claimRace(2000, 8);
  });

  it("claim race with a 1 ms busy timeout: typed busy errors are retried and nothing is lost or doubled", async () => {
    // Busy errors are likely here but not guaranteed, so their count is reported, not asserted.
    await claimRace(600, 8, 1);
  });

  it("claim race on one task: of 8 concurrent claimers exactly one wins", async () => {
    const file = path.join(tmp, "kanban.db");
    const k = kernel(file);
    const id = k.create({ title: "contested" }).task.id;
    const procs = await startRacers(8, "mp-claim-one", [file, id]);
    const results = await Promise.all(procs.map((p) => p.waitFor((m) => m.done, "done")));
    await Promise.all(procs.map((p) => p.waitExit()));
    const winners = results.filter((r) => r.won);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((r) => !r.won)) {
      expect(r.error).toMatchObject({ name: "KanbanError", code: "conflict" });
    }
    const t = k.task(id);
    expect(t.status).toBe("running");
    expect(t.worker_pid).toBe(winners[0].pid);
    expect(t.claim_lock).toBe(`${os.hostname()}:${winners[0].pid}`);
    expect(t.current_run_id).toBe(winners[0].run_id);
    expect(count(k, "SELECT COUNT(*) AS n FROM task_runs WHERE task_id = ?", id)).toBe(1);
    expect(eventsOf(k, id, "claimed")).toHaveLength(1);
    expect(integrity(k)).toBe("ok");
  });

  it("idempotent create race: 8 processes with the same key get one task and one created event", async () => {
    const file = path.join(tmp, "kanban.db");
    const k = kernel(file);
    const procs = await startRacers(8, "mp-create-same", [file, "same", "k-1"]);
    const results = await Promise.all(procs.map((p) => p.waitFor((m) => m.done, "done")));
    await Promise.all(procs.map((p) => p.waitExit()));
    const ids = new Set(results.map((r) => r.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const [id] = [...ids];
    expect(count(k, "SELECT COUNT(*) AS n FROM tasks WHERE idempotency_key = 'k-1'")).toBe(1);
    expect(count(k, "SELECT COUNT(*) AS n FROM tasks")).toBe(1);
    expect(count(k, "SELECT COUNT(*) AS n FROM task_events WHERE kind = 'created'")).toBe(1);
    expect(eventsOf(k, id, "created")).toHaveLength(1);
    expect(k.task(id)).toMatchObject({ title: "same", status: "ready" });
    expect(integrity(k)).toBe("ok");
  });

  describe("crash detection with real worker processes", () => {
    /** Creates a task, starts a child that claims it as its own worker, waits for "claimed". */
    async function claimedBy(k: Kernel, file: string, mode: string) {
      const id = k.create({ title: `worker ${mode}` }).task.id;
      const p = startChild("mp-claim-hold", [file, id, mode], `hold ${mode}`);
      const m = await p.waitFor((x) => x.claimed, "claimed");
      expect(m.pid).toBe(p.pid);
      const t = k.task(id);
      expect(t).toMatchObject({ status: "running", worker_pid: p.pid, current_run_id: m.run_id });
      expect(t.claim_lock).toBe(`${os.hostname()}:${p.pid}`);
      return { id, p, runId: m.run_id as number };
    }

    function run(k: Kernel, runId: number) {
      return k.db.prepare("SELECT * FROM task_runs WHERE id = ?").get(runId) as Record<string, any>;
    }

    it("a SIGKILLed worker is found by the liveness pass: run crashed, task ready, one failure", async () => {
      const file = path.join(tmp, "kanban.db");
      const proc = new LinuxProcessControl();
      const k = kernel(file, { proc, config: { crashGraceSeconds: 0 } });

      // A: exit status unknown (Node reaped it, /proc/<pid> is gone, nothing recorded)
      const a = await claimedBy(k, file, "sleep");
      // B: the dispatcher recorded the exit (signal) when it reaped the child
      const b = await claimedBy(k, file, "sleep");
      b.p.exited.then(({ code, signal }) => proc.recordExit(b.p.pid, { code, signal }));

      // alive workers are left alone
      expect(k.detectCrashedWorkers()).toEqual([]);

      a.p.cp.kill("SIGKILL");
      b.p.cp.kill("SIGKILL");
      expect(await a.p.waitExit()).toEqual({ code: null, signal: "SIGKILL" });
      expect(await b.p.waitExit()).toEqual({ code: null, signal: "SIGKILL" });
      expect(fs.existsSync(`/proc/${a.p.pid}`)).toBe(false);

      const actions = k.detectCrashedWorkers();
      expect(actions.map((x) => [x.task_id, x.action, x.pid]).sort()).toEqual(
        [
          [a.id, "crashed", a.p.pid],
          [b.id, "crashed", b.p.pid],
        ].sort(),
      );

      for (const w of [a, b]) {
        const t = k.task(w.id);
        expect(t).toMatchObject({
          status: "ready",
          consecutive_failures: 1,
          claim_lock: null,
          worker_pid: null,
          current_run_id: null,
        });
        expect(t.last_failure_error).toContain(String(w.p.pid));
        const r = run(k, w.runId);
        expect(r).toMatchObject({ outcome: "crashed" });
        expect(r.ended_at).not.toBeNull();
        const crashed = eventsOf(k, w.id, "crashed");
        expect(crashed).toHaveLength(1);
        expect(crashed[0].run_id).toBe(w.runId);
        expect(crashed[0].payload).toMatchObject({ pid: w.p.pid });
        expect(eventsOf(k, w.id, "gave_up")).toHaveLength(0);
      }
      expect(run(k, a.runId).error).toMatch(/disappeared|unknown/);
      expect(eventsOf(k, b.id, "crashed")[0].payload).toEqual({ pid: b.p.pid, signal: "SIGKILL" });
      expect(run(k, b.runId).error).toContain("SIGKILL");

      // a second pass changes nothing
      expect(k.detectCrashedWorkers()).toEqual([]);
      expect(integrity(k)).toBe("ok");
    });

    it("exit 0 without complete is a protocol violation (run crashed, one failure)", async () => {
      const file = path.join(tmp, "kanban.db");
      const proc = new LinuxProcessControl();
      const k = kernel(file, { proc, config: { crashGraceSeconds: 0 } });
      const w = await claimedBy(k, file, "exit:0");
      const exit = await w.p.waitExit();
      expect(exit).toEqual({ code: 0, signal: null });
      proc.recordExit(w.p.pid, exit); // what the dispatcher does when it reaps its child

      const actions = k.detectCrashedWorkers();
      expect(actions).toEqual([{ task_id: w.id, run_id: w.runId, action: "protocol_violation", pid: w.p.pid }]);
      const t = k.task(w.id);
      expect(t).toMatchObject({ status: "ready", consecutive_failures: 1, current_run_id: null, worker_pid: null });
      const r = run(k, w.runId);
      expect(r.outcome).toBe("crashed");
      expect(r.error).toMatch(/protocol violation/);
      const pv = eventsOf(k, w.id, "protocol_violation");
      expect(pv).toHaveLength(1);
      expect(pv[0].payload).toEqual({ pid: w.p.pid });
      expect(pv[0].run_id).toBe(w.runId);
      expect(k.inRateLimitCooldown(w.id)).toBe(false);
      expect(integrity(k)).toBe("ok");
    });

    it("exit 75 is rate limited: requeued, no failure counted, in cooldown", async () => {
      const file = path.join(tmp, "kanban.db");
      const proc = new LinuxProcessControl();
      const k = kernel(file, { proc, config: { crashGraceSeconds: 0 } });
      const w = await claimedBy(k, file, "exit:75");
      const exit = await w.p.waitExit();
      expect(exit).toEqual({ code: 75, signal: null });
      proc.recordExit(w.p.pid, exit);

      const actions = k.detectCrashedWorkers();
      expect(actions).toEqual([{ task_id: w.id, run_id: w.runId, action: "rate_limited", pid: w.p.pid }]);
      const t = k.task(w.id);
      expect(t).toMatchObject({ status: "ready", consecutive_failures: 0, current_run_id: null, worker_pid: null });
      expect(run(k, w.runId).outcome).toBe("rate_limited");
      const rl = eventsOf(k, w.id, "rate_limited");
      expect(rl).toHaveLength(1);
      expect(rl[0].payload).toMatchObject({ pid: w.p.pid });
      expect(eventsOf(k, w.id, "crashed")).toHaveLength(0);
      expect(k.inRateLimitCooldown(w.id)).toBe(true);
      expect(integrity(k)).toBe("ok");
    });

    it("4 dispatchers running crash detection at once close each dead worker's run exactly once", async () => {
      const file = path.join(tmp, "kanban.db");
      const k = kernel(file);
      // a pid that certainly belonged to a worker that is gone now
      const dead = new Proc(spawn(process.execPath, ["-e", ""], { stdio: ["ignore", "pipe", "pipe"] }), "dead worker");
      started.push(dead);
      expect(await dead.waitExit()).toEqual({ code: 0, signal: null });
      const deadPid = dead.pid;
      const N = 50;
      const ids: string[] = [];
      for (let i = 0; i < N; i++) {
        const id = k.create({ title: `dead ${i}` }).task.id;
        k.claim(id, { workerPid: deadPid });
        ids.push(id);
      }
      const procs = await startRacers(4, "mp-liveness", [file]);
      const results = await Promise.all(procs.map((p) => p.waitFor((m) => m.done, "done")));
      await Promise.all(procs.map((p) => p.waitExit()));
      const actions = results.flatMap((r) => r.actions as { task_id: string; action: string }[]);
      expect(actions).toHaveLength(N);
      expect(new Set(actions.map((a) => a.task_id))).toEqual(new Set(ids));
      expect(actions.every((a) => a.action === "crashed")).toBe(true);
      for (const id of ids) {
        expect(k.task(id)).toMatchObject({ status: "ready", consecutive_failures: 1, current_run_id: null });
        expect(eventsOf(k, id, "crashed")).toHaveLength(1);
      }
      expect(count(k, "SELECT COUNT(*) AS n FROM task_runs WHERE outcome = 'crashed'")).toBe(N);
      expect(count(k, "SELECT COUNT(*) AS n FROM task_runs WHERE ended_at IS NULL")).toBe(0);
      expect(integrity(k)).toBe("ok");
    });

    // BUG (server/kernel/process-control.ts, LinuxProcessControl.state): an exit recorded with
    // recordExit(pid) shadows that pid for good (up to 10,000 entries) because state() answers
    // "gone" from the reaped map before looking at /proc. When the OS reuses the pid for a later
    // worker (pid reuse is normal in a long-running dispatcher), crash detection closes that live
    // worker's run with the old exit status and requeues the task while the worker keeps running.
    // Pid reuse is simulated here by recording an exit for the pid just before the new worker claims.
    it("a recorded exit does not make a later live worker with the same pid look dead (pid reuse)", async () => {
      const file = path.join(tmp, "kanban.db");
      const proc = new LinuxProcessControl();
      const k = kernel(file, { proc, config: { crashGraceSeconds: 0 } });
      const id = k.create({ title: "live worker" }).task.id;
      const p = startChild("mp-claim-hold", [file, id, "sleep"], "live worker");
      proc.recordExit(p.pid, { code: 0, signal: null }); // an earlier worker that had this pid
      const m = await p.waitFor((x) => x.claimed, "claimed");
      expect(fs.existsSync(`/proc/${p.pid}`)).toBe(true);

      const actions = k.detectCrashedWorkers();
      expect(actions).toEqual([]);
      expect(k.task(id)).toMatchObject({ status: "running", current_run_id: m.run_id, worker_pid: p.pid });
    });

    it("a zombie worker (parent never reaps) is detected with its real exit code from /proc", async () => {
      const file = path.join(tmp, "kanban.db");
      const k = kernel(file, { config: { crashGraceSeconds: 0 } }); // default LinuxProcessControl
      const id = k.create({ title: "zombie" }).task.id;
      // `sh` starts the worker in the background, then becomes `sleep`, which never wait()s:
      // when the worker exits it stays a zombie until sleep is killed.
      const cp = spawn(
        "sh",
        ["-c", '"$@" & exec sleep 600', "sh", process.execPath, "--import", "tsx", path.join(PROCS, "mp-claim-hold.ts"), file, id, "exit:3"],
        { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      const parent = new Proc(cp, "zombie parent");
      started.push(parent);
      const m = await parent.waitFor((x) => x.claimed, "claimed");
      const pid = m.pid as number;
      expect(pid).not.toBe(cp.pid);

      // poll /proc until the worker is a zombie
      const deadline = Date.now() + 20_000;
      for (;;) {
        const status = fs.existsSync(`/proc/${pid}/status`) ? fs.readFileSync(`/proc/${pid}/status`, "utf8") : "";
        if (/^State:\s+Z/m.test(status)) break;
        if (Date.now() > deadline) throw new Error(`worker ${pid} never became a zombie: ${status} ${parent.diag()}`);
        await sleep(20);
      }
      expect(new LinuxProcessControl().state(pid)).toBe("zombie");

      const actions = k.detectCrashedWorkers();
      expect(actions).toEqual([{ task_id: id, run_id: m.run_id, action: "crashed", pid }]);
      expect(k.task(id)).toMatchObject({ status: "ready", consecutive_failures: 1, worker_pid: null });
      const crashed = eventsOf(k, id, "crashed");
      expect(crashed).toHaveLength(1);
      expect(crashed[0].payload).toEqual({ pid, exit_code: 3 });
      const r = k.db.prepare("SELECT outcome, error FROM task_runs WHERE id = ?").get(m.run_id) as { outcome: string; error: string };
      expect(r.outcome).toBe("crashed");
      expect(r.error).toContain("exited with code 3");

      cp.kill("SIGKILL"); // the zombie is reparented and reaped
      await parent.waitExit();
      expect(integrity(k)).toBe("ok");
    });
  });

  describe("busy database", () => {
    it("a writer blocked by another process's write lock gets a typed busy error and writes nothing", async () => {
      const file = path.join(tmp, "kanban.db");
      const k = kernel(file);
      k.create({ title: "before" });
      const before = {
        tasks: count(k, "SELECT COUNT(*) AS n FROM tasks"),
        events: count(k, "SELECT COUNT(*) AS n FROM task_events"),
        maxEvent: k.latestEventId(),
      };

      const child = startChild("mp-busy-create", [file, "busy attempt"]);
      await child.waitFor((m) => m.ready, "ready");

      // hold the write lock from a separate raw connection in this process
      const raw = rawDb(file);
      raw.prepare("BEGIN IMMEDIATE").run();
      raw.prepare("UPDATE tasks SET priority = priority WHERE 0").run();

      child.send("go");
      const first = await child.waitFor((m) => m.phase === "first", "first attempt");
      expect(first.ok).toBe(false);
      expect(first.error).toMatchObject({ name: "KanbanError", code: "busy", kanban: true });
      expect(first.error.message).toMatch(/busy/);
      expect(first.ms).toBeGreaterThanOrEqual(150); // it waited the busy timeout, not forever

      raw.prepare("ROLLBACK").run();
      // the failed attempt left nothing behind
      expect(count(k, "SELECT COUNT(*) AS n FROM tasks")).toBe(before.tasks);
      expect(count(k, "SELECT COUNT(*) AS n FROM task_events")).toBe(before.events);
      expect(k.latestEventId()).toBe(before.maxEvent);
      expect(count(k, "SELECT COUNT(*) AS n FROM tasks WHERE title = 'busy attempt'")).toBe(0);

      // a retry after the lock is released succeeds: nothing lost, nothing doubled
      child.send("go2");
      const second = await child.waitFor((m) => m.phase === "second", "second attempt");
      expect(second.ok, child.diag()).toBe(true);
      expect(await child.waitExit()).toEqual({ code: 0, signal: null });
      expect(count(k, "SELECT COUNT(*) AS n FROM tasks WHERE title = 'busy attempt'")).toBe(1);
      expect(eventsOf(k, second.id, "created")).toHaveLength(1);
      expect(count(k, "SELECT COUNT(*) AS n FROM task_events")).toBe(before.events + 1);
      expect(integrity(k)).toBe("ok");
    });

    // BUG (db/open.ts): openKanbanDb always runs its adoption step in a BEGIN IMMEDIATE transaction,
    // even when the file needs no adoption, and does not map SQLITE_BUSY. So a process that opens
    // the db while another holds the write lock gets a raw SqliteError "database is locked" instead
    // of opening (nothing to adopt) or a typed KanbanError("busy") (SPEC §3.3).
    it("opening an already-adopted db while another process holds the write lock opens or fails with typed busy", async () => {
      const file = path.join(tmp, "kanban.db");
      const k = kernel(file);
      k.create({ title: "existing" });

      const raw = rawDb(file);
      raw.prepare("BEGIN IMMEDIATE").run();
      const child = startChild("mp-open", [file]);
      const m = await child.waitFor((x) => "opened" in x, "open result");
      await child.waitExit();
      raw.prepare("ROLLBACK").run();

      if (!m.opened) {
        expect(m.error, JSON.stringify(m.error)).toMatchObject({ name: "KanbanError", code: "busy" });
      } else {
        expect(m.tasks).toBe(1);
      }
    });
  });
});
