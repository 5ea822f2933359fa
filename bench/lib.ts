/**
 * Small helpers shared by the benchmarks: temp databases, timing, statistics, a statement
 * tracer for cost breakdowns, the markdown table, and the `docs/perf.md` section writer.
 *
 * Nothing here touches the kernel's code; the tracer only wraps methods on one connection object.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type Database from "better-sqlite3";

// ---------------------------------------------------------------------------------------------
// Temp files

const tempDirs: string[] = [];

/** A fresh path under a new directory in os.tmpdir(); the directory is removed by cleanupTemp(). */
export function tempDbPath(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kanban-bench-${label}-`));
  tempDirs.push(dir);
  return path.join(dir, "kanban.db");
}

export function cleanupTemp(): void {
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Timing and statistics

export const now = (): number => performance.now();

/** Milliseconds taken by fn. */
export function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

/** Rounds to `d` significant-ish decimals for reports (keeps integers for big numbers). */
export function round(x: number, d = 2): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/** A seeded PRNG (mulberry32) so every run builds the same board shape. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// Statement tracer: per-SQL time and count on one connection, plus BEGIN/COMMIT time.

export interface TraceEntry {
  sql: string;
  calls: number;
  ms: number;
}

export interface ExecutedStatement {
  sql: string;
  args: unknown[];
}

export interface Tracer {
  /** Per normalized SQL text: calls and total time spent inside run/get/all/iterate. */
  stats: Map<string, TraceEntry>;
  /** Time spent in BEGIN (before the transaction body) and COMMIT (after it), and wrapper creation. */
  tx: { calls: number; beginMs: number; commitMs: number; creates: number; createMs: number };
  /** When set, each executed statement (with its arguments) is pushed here. */
  recording: ExecutedStatement[] | null;
  reset(): void;
}

export const normalizeSql = (sql: string): string => sql.replace(/\s+/g, " ").trim();

/**
 * Instruments `db` in place (instance properties shadow the prototype methods): every statement
 * prepared afterwards is timed per call, and `db.transaction` is wrapped so the BEGIN and COMMIT
 * halves of each transaction are timed apart from its body. Tracing costs ~0.1 µs per call;
 * figures from a traced run are for attribution, never for the headline table.
 */
export function traceDb(db: Database.Database): Tracer {
  const tracer: Tracer = {
    stats: new Map(),
    tx: { calls: 0, beginMs: 0, commitMs: 0, creates: 0, createMs: 0 },
    recording: null,
    reset() {
      this.stats.clear();
      this.tx = { calls: 0, beginMs: 0, commitMs: 0, creates: 0, createMs: 0 };
    },
  };
  const origPrepare = db.prepare.bind(db);
  const patchedPrepare = (source: string) => {
    const stmt = origPrepare(source);
    const key = normalizeSql(source);
    for (const m of ["run", "get", "all", "iterate"] as const) {
      const orig = (stmt[m] as (...a: unknown[]) => unknown).bind(stmt);
      (stmt as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => {
        if (tracer.recording) tracer.recording.push({ sql: key, args });
        const t0 = performance.now();
        try {
          return orig(...args);
        } finally {
          const dt = performance.now() - t0;
          let e = tracer.stats.get(key);
          if (!e) tracer.stats.set(key, (e = { sql: key, calls: 0, ms: 0 }));
          e.calls++;
          e.ms += dt;
        }
      };
    }
    return stmt;
  };
  (db as unknown as { prepare: unknown }).prepare = patchedPrepare;

  const origTransaction = db.transaction.bind(db);
  (db as unknown as { transaction: unknown }).transaction = (fn: (...a: unknown[]) => unknown) => {
    let tBodyStart = 0;
    let tBodyEnd = 0;
    const body = function (this: unknown, ...args: unknown[]) {
      tBodyStart = performance.now();
      try {
        return fn.apply(this, args);
      } finally {
        tBodyEnd = performance.now();
      }
    };
    const c0 = performance.now();
    const wrapped = origTransaction(body);
    tracer.tx.createMs += performance.now() - c0;
    tracer.tx.creates++;
    const time = (variant: (...a: unknown[]) => unknown) =>
      (...args: unknown[]) => {
        const t0 = performance.now();
        const nested = db.inTransaction;
        const r = variant(...args);
        const t1 = performance.now();
        if (!nested) {
          tracer.tx.calls++;
          tracer.tx.beginMs += tBodyStart - t0;
          tracer.tx.commitMs += t1 - tBodyEnd;
        }
        return r;
      };
    const out = time(wrapped) as ((...a: unknown[]) => unknown) & Record<string, unknown>;
    out.immediate = time(wrapped.immediate);
    out.deferred = time(wrapped.deferred);
    out.exclusive = time(wrapped.exclusive);
    out.default = out;
    return out;
  };
  return tracer;
}

/** `EXPLAIN QUERY PLAN` lines for one statement with the arguments it really ran with. */
export function explain(db: Database.Database, sql: string, args: unknown[]): string[] {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(args as never[])) as { detail: string }[];
  return rows.map((r) => r.detail);
}

// ---------------------------------------------------------------------------------------------
// Reporting

export interface Row {
  metric: string;
  kernel: string;
  floor: string;
  ratio: string;
  target: string;
  pass: boolean | null;
}

export function markdownTable(headers: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [
    `| ${headers.map(esc).join(" | ")} |`,
    `|${headers.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ];
  return lines.join("\n");
}

export function resultTable(rows: Row[]): string {
  return markdownTable(
    ["metric", "kernel", "floor", "ratio", "target", "pass"],
    rows.map((r) => [r.metric, r.kernel, r.floor, r.ratio, r.target, r.pass === null ? "—" : r.pass ? "pass" : "MISSED"]),
  );
}

export function fmtInt(x: number): string {
  return Math.round(x).toLocaleString("en-US");
}

export function fmtMs(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/**
 * Replaces the section between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->` in
 * `file` (creating the file, or appending the section, when missing). Everything else is kept,
 * so other benchmarks (CLI, HTTP, dispatcher, board) can own their own sections.
 */
export function writeSection(file: string, name: string, body: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  let text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) {
    text = text.slice(0, i) + block + text.slice(j + end.length);
  } else if (text.trim() === "") {
    text =
      "# Performance\n\n" +
      "Figures written by the benchmarks (`npm run bench`). Each benchmark owns the section between its\n" +
      "`<!-- bench:NAME:start -->` / `<!-- bench:NAME:end -->` markers and rewrites only that part.\n\n" +
      block +
      "\n";
  } else {
    text = text.replace(/\s*$/, "\n\n") + block + "\n";
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** The file-system type of a directory (tmpfs vs a disk changes what a commit costs). */
export function fsType(dir: string): string {
  const names: Record<number, string> = {
    0x01021994: "tmpfs", 0xef53: "ext4", 0x58465342: "xfs", 0x9123683e: "btrfs", 0x794c7630: "overlayfs",
    0x6969: "nfs", 0x65735546: "fuse", 0x2fc12fc1: "zfs", 0x858458f6: "ramfs",
  };
  try {
    const t = Number(fs.statfsSync(dir).type);
    return names[t] ?? `0x${t.toString(16)}`;
  } catch {
    return "unknown";
  }
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
}
