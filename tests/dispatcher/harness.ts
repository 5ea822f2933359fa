/**
 * Helpers for tests/dispatcher.test.ts: a temp KANBAN_HOME with a config.yaml, an in-process
 * Dispatcher over it (or `kanban daemon` / `kanban dispatch` subprocesses), deadline polling of
 * the database, and /proc checks for worker process trees. Every home is cleaned up with every
 * process that carries its KANBAN_DB / KANBAN_HOME in its environment.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify as toYaml } from "yaml";
import { openKernel, type Kernel } from "../../server/kernel/index";
import { loadConfig, kernelConfigFrom, type KanbanConfig } from "../../server/config";
import { resolvePaths, type KanbanPaths } from "../../server/paths";
import { Dispatcher, type TickReport } from "../../server/dispatcher/dispatcher";

export const REPO = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
export const BIN = path.join(REPO, "bin/kanban.mjs");
export const EXAMPLES = path.join(REPO, "examples/workers");
export const TEST_WORKERS = path.join(REPO, "tests/dispatcher/workers");
export const NODE = process.execPath;

export const ex = (name: string) => path.join(EXAMPLES, name);
export const tw = (name: string) => path.join(TEST_WORKERS, name);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Env vars of the test runner that would point a CLI or worker elsewhere. */
const LEAKS = [
  "KANBAN_HOME", "KANBAN_DB", "KANBAN_TASK", "KANBAN_RUN_ID", "KANBAN_PROFILE", "KANBAN_TENANT", "KANBAN_CLAIM_LOCK",
  "KANBAN_WORKSPACE", "KANBAN_WORKSPACES_ROOT", "KANBAN_LOGS", "KANBAN_CLAIM_TTL_SECONDS", "KANBAN_DEBUG",
  "HERMES_PROFILE", "HERMES_TENANT", "HERMES_KANBAN_TASK", "HERMES_KANBAN_RUN_ID", "FORCE_COLOR",
];

export function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of LEAKS) delete env[k];
  return { ...env, KANBAN_HOME: home, NO_COLOR: "1", ...extra };
}

/** Polls `fn` until it returns something truthy; fails with `what` (and diagnostics) at the deadline. */
export async function waitFor<T>(fn: () => T | null | undefined | false, what: string, timeoutMs = 20_000, diag?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown = null;
  for (;;) {
    try {
      const v = fn();
      if (v) return v;
      lastErr = null;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? ` (last error: ${(lastErr as Error).message})` : ""}${diag ? `\n${diag()}` : ""}`);
    }
    await sleep(40);
  }
}

// ---------------------------------------------------------------- processes (/proc)

export type PState = "alive" | "dead";

/** Dead = no /proc entry, or a zombie/dead state (this container's PID 1 reaps orphans slowly). */
export function procState(pid: number): PState {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /^State:\s+(\S)/m.exec(s);
    return m && (m[1] === "Z" || m[1] === "X") ? "dead" : "alive";
  } catch {
    return "dead";
  }
}

export const isAlive = (pid: number) => procState(pid) === "alive";

/** Pids of live (non-zombie) processes whose environment contains `needle` (e.g. `KANBAN_DB=<file>`). */
export function processesWithEnv(needle: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let env: string;
    try {
      env = fs.readFileSync(`/proc/${pid}/environ`, "latin1");
    } catch {
      continue;
    }
    if (env.split("\0").includes(needle) && isAlive(pid)) out.push(pid);
  }
  return out;
}

/** SIGKILLs every process whose environment holds one of `needles`, until none is left (3 rounds). */
export async function killProcessesWithEnv(...needles: string[]): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const stray = needles.flatMap((n) => processesWithEnv(n));
    if (!stray.length) return;
    for (const pid of stray) killQuietly(pid);
    await sleep(50);
  }
}

function killQuietly(pid: number, sig: NodeJS.Signals = "SIGKILL") {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

// ---------------------------------------------------------------- homes

export interface ProfileSpec {
  command?: string[];
  hermes?: boolean;
  env?: Record<string, string>;
  max_in_progress?: number;
  skills?: string[];
  prompt?: string;
}

export interface HomeSpec {
  dispatch?: Record<string, unknown>;
  logs?: Record<string, unknown>;
  board?: Record<string, unknown>;
  profiles?: Record<string, ProfileSpec>;
}

const homes: Home[] = [];

/** A temp KANBAN_HOME with a config.yaml. `<home>` in a profile's command or env values stands for
 * the home folder. Every profile gets `KANBAN_HOME` in its env so worker CLI calls resolve the
 * same home even when the dispatcher runs inside the test process. */
export class Home {
  readonly dir: string;
  readonly paths: KanbanPaths;
  private _kernel: Kernel | null = null;
  readonly dispatchers: Dispatcher[] = [];
  readonly daemons: Daemon[] = [];
  readonly logLines: string[] = [];

  constructor(spec: HomeSpec) {
    this.dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "kanban-disp-")));
    this.paths = resolvePaths({ KANBAN_HOME: this.dir } as unknown as NodeJS.ProcessEnv);
    const sub = (v: string) => v.split("<home>").join(this.dir);
    const profiles = Object.fromEntries(
      Object.entries(spec.profiles ?? {}).map(([name, p]) => [
        name,
        p.hermes ? p : {
          ...p,
          ...(p.command ? { command: p.command.map(sub) } : {}),
          env: { KANBAN_HOME: this.dir, ...Object.fromEntries(Object.entries(p.env ?? {}).map(([k, v]) => [k, sub(v)])) },
        },
      ]),
    );
    const doc = { dispatch: { interval_seconds: 0.2, crash_grace_seconds: 1, ...(spec.dispatch ?? {}) }, ...(spec.logs ? { logs: spec.logs } : {}), ...(spec.board ? { board: spec.board } : {}), profiles };
    fs.writeFileSync(this.paths.config, toYaml(doc));
    homes.push(this);
  }

  get config(): KanbanConfig {
    return loadConfig(this.paths.config);
  }

  /** The test's kernel over the home's db, configured like the dispatcher's. */
  get k(): Kernel {
    if (!this._kernel) this._kernel = openKernel(this.paths.db, { config: kernelConfigFrom(this.config, 900) });
    return this._kernel;
  }

  /** An in-process dispatcher (supervising its children, like the server does). */
  dispatcher(o: { supervise?: boolean } = {}): Dispatcher {
    const d = new Dispatcher({
      kernel: this.k, config: this.config, paths: this.paths, superviseChildren: o.supervise ?? true,
      log: (m) => this.logLines.push(m),
    });
    this.dispatchers.push(d);
    return d;
  }

  /** Ticks (in-process) until `until(report)` holds; returns every report. */
  async tickUntil(d: Dispatcher, until: (r: TickReport, all: TickReport[]) => boolean, what: string, timeoutMs = 20_000): Promise<TickReport[]> {
    const all: TickReport[] = [];
    await waitFor(() => {
      const r = d.tick();
      all.push(r);
      return until(r, all);
    }, what, timeoutMs, () => this.diag());
    return all;
  }

  daemon(extraEnv: Record<string, string> = {}): Daemon {
    // The db exists (and is WAL) before any daemon starts, as after `kanban init`: two processes
    // creating a brand-new file at once can fail (see the report on db/open.ts).
    void this.k;
    const dm = new Daemon(this, extraEnv);
    this.daemons.push(dm);
    return dm;
  }

  /** Runs `kanban <args>` to completion against this home. */
  cli(args: string[], extraEnv: Record<string, string> = {}) {
    const r = spawnSync(NODE, [BIN, ...args], { cwd: this.dir, env: cliEnv(this.dir, extraEnv), encoding: "utf8", timeout: 30_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  // ---- reads

  task(id: string) {
    return this.k.task(id);
  }
  runs(id: string) {
    return this.k.runs(id);
  }
  events(id: string) {
    return this.k.events(id, 1000);
  }
  runningCount(assignee?: string): number {
    const row = (assignee
      ? this.k.db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE status = 'running' AND assignee = ?").get(assignee)
      : this.k.db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE status = 'running'").get()) as { n: number };
    return row.n;
  }
  /** Whitespace-separated pids a worker wrote to `<home>/<name>` (waits for the file). */
  async pids(name: string, count: number): Promise<number[]> {
    const file = path.join(this.dir, name);
    return waitFor(() => {
      const nums = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split(/\s+/).filter(Boolean).map(Number) : [];
      return nums.length >= count ? nums : null;
    }, `${count} pid(s) in ${name}`, 20_000, () => this.diag());
  }

  logText(id: string): string {
    try {
      return fs.readFileSync(path.join(this.paths.logs, `${id}.log`), "utf8");
    } catch {
      return "";
    }
  }
  /** Spawn headers the dispatcher writes into the worker log: `=== <time> run <n>: [argv]`. */
  spawnHeaders(id: string): number[] {
    return [...this.logText(id).matchAll(/^=== \S+ run (\d+): /gm)].map((m) => Number(m[1]));
  }

  diag(): string {
    const k = this.k;
    const tasks = k.db.prepare("SELECT id, title, status, assignee, consecutive_failures, current_run_id, worker_pid, last_failure_error FROM tasks").all();
    const runs = k.db.prepare("SELECT id, task_id, status, outcome, worker_pid, error, started_at, ended_at FROM task_runs ORDER BY id").all();
    return [
      `home ${this.dir}`,
      `tasks ${JSON.stringify(tasks)}`,
      `runs ${JSON.stringify(runs)}`,
      `dispatcher log: ${this.logLines.slice(-20).join(" | ")}`,
      ...this.daemons.map((d) => d.diag()),
    ].join("\n");
  }

  /** Stops dispatchers and daemons, kills every process of this home, removes the folder. */
  async cleanup(): Promise<void> {
    for (const d of this.dispatchers) d.stop();
    await Promise.all(this.daemons.map((d) => d.kill("SIGKILL")));
    await killProcessesWithEnv(`KANBAN_DB=${this.paths.db}`, `KANBAN_HOME=${this.dir}`);
    try {
      this._kernel?.close();
    } catch {
      /* closed */
    }
    this._kernel = null;
    fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
}

export async function cleanupHomes(): Promise<void> {
  const all = homes.splice(0);
  for (const h of all) await h.cleanup();
}

// ---------------------------------------------------------------- kanban daemon

export class Daemon {
  readonly cp: ChildProcess;
  stdout = "";
  stderr = "";
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly exited: Promise<void>;

  constructor(readonly home: Home, extraEnv: Record<string, string>) {
    this.cp = spawn(NODE, [BIN, "daemon"], { cwd: home.dir, env: cliEnv(home.dir, extraEnv), stdio: ["ignore", "pipe", "pipe"] });
    this.cp.stdout!.on("data", (d) => (this.stdout += String(d)));
    this.cp.stderr!.on("data", (d) => (this.stderr += String(d)));
    this.exited = new Promise((resolve) => this.cp.on("exit", (code, signal) => {
      this.exit = { code, signal };
      resolve();
    }));
  }

  get pid(): number {
    return this.cp.pid!;
  }

  async ready(): Promise<void> {
    await waitFor(() => this.stdout.includes("kanban daemon: dispatching") || this.exit, "the daemon to start", 20_000);
    if (this.exit) throw new Error(`daemon exited at start: ${this.diag()}`);
  }

  async kill(sig: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (this.exit) return;
    killQuietly(this.pid, sig);
    await Promise.race([this.exited, sleep(10_000)]);
  }

  diag(): string {
    return `[daemon ${this.cp.pid}] exit=${JSON.stringify(this.exit)} stdout=${this.stdout.slice(-1000)} stderr=${this.stderr.slice(-2000)}`;
  }
}
