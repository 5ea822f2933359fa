/**
 * Helpers for tests/cli.test.ts: run the real `bin/kanban.mjs` as a subprocess against a temp
 * KANBAN_HOME, either to completion (`run`, spawnSync) or as a long-running child (`LiveCli`, for
 * watch/tail), with an environment scrubbed of anything that could leak from the parent.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
const BIN = "bin/kanban.mjs";

/** Parent env vars that would point the CLI elsewhere or change its behaviour. */
const LEAKS = [
  "KANBAN_DB", "KANBAN_TASK", "KANBAN_RUN_ID", "KANBAN_PROFILE", "KANBAN_TENANT", "KANBAN_CLAIM_LOCK",
  "KANBAN_WORKSPACE", "KANBAN_WORKSPACES_ROOT", "KANBAN_LOGS", "KANBAN_CLAIM_TTL_SECONDS", "KANBAN_DEBUG",
  "HERMES_PROFILE", "HERMES_TENANT", "HERMES_KANBAN_TASK", "HERMES_KANBAN_RUN_ID", "FORCE_COLOR", "NO_COLOR",
];

export type EnvPatch = Record<string, string | undefined>;

export interface RunOpts {
  home: string;
  /** Extra env; an `undefined` value removes the variable. */
  env?: EnvPatch;
  /** Standard input (e.g. for `--body -`). */
  input?: string;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cliEnv(home: string, patch: EnvPatch = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of LEAKS) delete env[k];
  Object.assign(env, { KANBAN_HOME: home, NO_COLOR: "1" });
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs `kanban <args>` to completion. */
export function run(args: string[], o: RunOpts): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: cliEnv(o.home, o.env),
    input: o.input ?? "",
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same as `run`, without blocking the test's event loop (for calls made in parallel). */
export function runAsync(args: string[], o: RunOpts): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const cp = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: cliEnv(o.home, o.env), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    cp.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    cp.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    // Like spawnSync's timeout: a verb that never ends must not outlive the test.
    const timer = setTimeout(() => cp.kill("SIGKILL"), 30_000);
    cp.on("error", reject);
    cp.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    cp.stdin.end(o.input ?? "");
  });
}

function describeRun(args: string[], r: RunResult): string {
  return `kanban ${args.join(" ")} → exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** A CLI bound to one KANBAN_HOME (and optional base env), with assertions for the common shapes. */
export function cli(home: string, baseEnv: EnvPatch = {}) {
  const opts = (o: Omit<RunOpts, "home"> = {}): RunOpts => ({ ...o, home, env: { ...baseEnv, ...o.env } });
  const self = {
    home,
    db: path.join(home, "kanban.db"),
    run: (args: string[], o?: Omit<RunOpts, "home">) => run(args, opts(o)),
    runAsync: (args: string[], o?: Omit<RunOpts, "home">) => runAsync(args, opts(o)),
    /** Exit 0 and nothing on stderr, or throw with everything the CLI said. */
    ok(args: string[], o?: Omit<RunOpts, "home">): RunResult {
      const r = self.run(args, o);
      if (r.code !== 0 || r.stderr !== "") throw new Error(describeRun(args, r));
      return r;
    },
    /** Exit 0 and exactly one JSON document on stdout (include `--json` in args). */
    json<T = any>(args: string[], o?: Omit<RunOpts, "home">): T {
      return parseOne<T>(args, self.ok(args, o));
    },
    /** Creates a task and returns its id (the `kanban create ... --json | jq -r .id` chain). */
    create(title: string, ...flags: string[]): string {
      return self.json<{ id: string }>(["create", title, ...flags, "--json"]).id;
    },
    task(id: string): any {
      return self.json(["show", id, "--json"]).task;
    },
    detail(id: string): any {
      return self.json(["show", id, "--json"]);
    },
  };
  return self;
}

export type Cli = ReturnType<typeof cli>;

export function parseOne<T>(args: string[], r: RunResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch (e) {
    throw new Error(`stdout is not one JSON document (${(e as Error).message})\n${describeRun(args, r)}`);
  }
}

/** Every line of `s` parsed as JSON (watch/tail --json print one event per line). */
export function jsonLines(s: string): any[] {
  return s.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}

export function tempDir(prefix = "kanban-cli-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Reads the board database directly (read-only) for state the CLI does not print. */
export function query<T = any>(dbFile: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Writes to the database directly (only to age rows for gc tests). */
export function exec(dbFile: string, sql: string, ...params: unknown[]): number {
  const db = new Database(dbFile, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    return db.prepare(sql).run(...params).changes;
  } finally {
    db.close();
  }
}

export interface Line {
  text: string;
  /** performance.now() when the line reached us. */
  at: number;
}

/** A long-running `kanban` child (watch, tail) whose stdout lines are timestamped on arrival. */
export class LiveCli {
  readonly cp: ChildProcess;
  readonly lines: Line[] = [];
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(args: string[], o: RunOpts) {
    this.cp = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: cliEnv(o.home, o.env), stdio: ["ignore", "pipe", "pipe"] });
    readline.createInterface({ input: this.cp.stdout! }).on("line", (text) => this.lines.push({ text, at: performance.now() }));
    this.cp.stderr!.setEncoding("utf8").on("data", (d) => (this.stderr += d));
    this.exited = new Promise((resolve) =>
      this.cp.on("close", (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      }),
    );
  }

  /** The first line (from index `from`) matching `pred`, waiting up to `timeoutMs`; null on timeout. */
  async waitFor(pred: (l: Line) => boolean, timeoutMs: number, from = 0): Promise<Line | null> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.slice(from).find(pred);
      if (hit) return hit;
      if (performance.now() > deadline || this.exitInfo) return this.lines.slice(from).find(pred) ?? null;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Waits for the child to exit by itself (e.g. `--count`), failing after `timeoutMs`. */
  async exit(timeoutMs: number) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`kanban did not exit within ${timeoutMs} ms; stdout:\n${this.lines.map((l) => l.text).join("\n")}\nstderr:\n${this.stderr}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop() {
    if (!this.exitInfo) this.cp.kill("SIGTERM");
    return this.exited;
  }
}
