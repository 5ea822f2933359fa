/**
 * Kernel benchmark (issue 2): `npm run bench` prints a markdown table and rewrites the kernel
 * section of docs/perf.md; `npm run bench -- --json` prints the same figures as one JSON object
 * (stdout carries nothing else; progress goes to stderr). The exit code is 0 even when a target
 * is missed: the table says MISSED.
 *
 * What is measured, each on its own fresh temp file DB opened through `openKanbanDb` (so schema
 * and pragmas — WAL, synchronous=NORMAL — are identical for the kernel and the floor):
 *   1. create/s: N `kernel.create()` calls vs a bare floor writing the same rows (INSERT task +
 *      INSERT event per BEGIN IMMEDIATE transaction, prepared statements).
 *   2. claim→complete cycles/s with N ready tasks in the DB: `kernel.claim` + `kernel.complete`
 *      vs the floor's two transactions (claim: UPDATE task, INSERT run, INSERT event; complete:
 *      UPDATE task, UPDATE run, INSERT event).
 *   3. board: `kernel.board()` on a realistic N-task board vs a bare `SELECT * FROM tasks`.
 *   4. promotion is local: completing a task with one child on the N-task board vs a 100-task
 *      board, plus EXPLAIN QUERY PLAN of every statement the completion runs.
 * Kernel and floor alternate inside one run; the table compares medians as ratios, so a noisy
 * machine moves both sides together.
 *
 * Options: --json, --no-write (leave docs/perf.md alone), --tasks N, --cycles N, --rounds N,
 * --board-runs N, --no-breakdown.
 */
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { openKanbanDb } from "../db/open";
import { openKernel, Kernel, type Task } from "../server/kernel/index";
import { randomIds } from "../server/kernel/clock";
import type { CreateTaskInput } from "../server/kernel/create";
import {
  tempDbPath, cleanupTemp, now, timeMs, median, quantile, round, rng, log, traceDb, explain,
  resultTable, markdownTable, fmtInt, fmtMs, writeSection, machineInfo, fsType, type Row, type Tracer,
} from "./lib";

// ---------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
function intArg(name: string, dflt: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) {
    process.stderr.write(`--${name} needs a positive integer\n`);
    process.exit(2);
  }
  return v;
}
const JSON_OUT = argv.includes("--json");
const WRITE_DOC = !argv.includes("--no-write");
const BREAKDOWN = !argv.includes("--no-breakdown");
const TASKS = intArg("tasks", 10_000);
const CYCLES = Math.min(intArg("cycles", 5_000), TASKS);
/** Up to ROUNDS rounds; after MIN_ROUNDS, no new round starts once ROUND_BUDGET_S has passed. */
const ROUNDS_GIVEN = argv.includes("--rounds");
const ROUNDS = intArg("rounds", 5);
const MIN_ROUNDS = Math.min(3, ROUNDS);
const ROUND_BUDGET_S = 50;
const BOARD_RUNS = intArg("board-runs", 15);
const PROMO_ITERS = intArg("promo-iters", 300);
const SMALL_BOARD = 100;

const TARGET = { create: 0.5, cycles: 0.6, board: 3, promotion: 2 } as const;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PERF_MD = path.join(ROOT, "docs", "perf.md");

// ---------------------------------------------------------------------------------------------
// Inputs shared by kernel and floor

const ASSIGNEES = ["alice", "bob", "coder", "reviewer", "planner", "ops"];
const TENANTS = ["acme", "globex", "initech"];
const BODY = "Investigate the failing job, write a fix with tests, and leave a short handoff note for the reviewer. ".repeat(2);

function createInputs(n: number): CreateTaskInput[] {
  const out: CreateTaskInput[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      title: `Task ${i}: do the thing`,
      body: BODY,
      assignee: ASSIGNEES[i % ASSIGNEES.length],
      priority: i % 4,
      tenant: TENANTS[i % TENANTS.length],
    });
  }
  return out;
}

function uniqueIds(n: number): string[] {
  const s = new Set<string>();
  while (s.size < n) s.add(randomIds.taskId());
  return [...s];
}

const nowSec = () => Math.floor(Date.now() / 1000);
const LOCK = `${os.hostname()}:${process.pid}`;
const TTL = 900;

function openFloor(file: string): Database.Database {
  return openKanbanDb(file).db;
}

/** N ready tasks plus their `created` events, in one transaction (setup, never timed). */
function seedReady(db: Database.Database, ids: string[], inputs: CreateTaskInput[]): void {
  const insTask = db.prepare(
    `INSERT INTO tasks (id, title, body, assignee, status, priority, created_at, workspace_kind, tenant)
     VALUES (?, ?, ?, ?, 'ready', ?, ?, 'scratch', ?)`,
  );
  const insEvent = db.prepare("INSERT INTO task_events (task_id, run_id, kind, payload, created_at) VALUES (?, NULL, 'created', ?, ?)");
  const t = nowSec();
  db.transaction(() => {
    ids.forEach((id, i) => {
      const x = inputs[i];
      insTask.run(id, x.title, x.body, x.assignee, x.priority, t, x.tenant);
      insEvent.run(id, `{"assignee":"${x.assignee}","status":"ready","parents":[],"tenant":"${x.tenant}","skills":[]}`, t);
    });
  }).immediate();
  db.pragma("wal_checkpoint(TRUNCATE)");
}

// ---------------------------------------------------------------------------------------------
// 1 + 2. create and claim→complete, as "sides" run in interleaved chunks
//
// The kernel and its floor each get their own fresh file DB, and run alternately in chunks of
// CHUNK operations (which side goes first alternates too). On a VM whose disk stalls now and then
// (WAL checkpoints fsync), both sides see the same weather, and each pays for its own checkpoints.

interface Side {
  /** One operation: a create, or a claim→complete cycle. */
  step(i: number): void;
  close(): void;
  tracer?: Tracer;
}

interface SideTime {
  wallMs: number;
  cpuMs: number;
}

const CHUNK = 250;

function kernelCreateSide(inputs: CreateTaskInput[], trace = false): Side {
  const k = openKernel(tempDbPath("kcreate"));
  const tracer = trace ? traceDb(k.db) : undefined;
  return { step: (i) => void k.create(inputs[i]), close: () => k.close(), tracer };
}

function floorCreateSide(inputs: CreateTaskInput[], trace = false): Side {
  const db = openFloor(tempDbPath("fcreate"));
  const tracer = trace ? traceDb(db) : undefined;
  const insTask = db.prepare(
    `INSERT INTO tasks (id, title, body, assignee, status, priority, created_at, workspace_kind, tenant)
     VALUES (?, ?, ?, ?, 'ready', ?, ?, 'scratch', ?)`,
  );
  const insEvent = db.prepare("INSERT INTO task_events (task_id, run_id, kind, payload, created_at) VALUES (?, NULL, 'created', ?, ?)");
  const write = db.transaction((id: string, x: CreateTaskInput, t: number) => {
    insTask.run(id, x.title, x.body, x.assignee, x.priority, t, x.tenant);
    insEvent.run(id, `{"assignee":"${x.assignee}","status":"ready","parents":[],"tenant":"${x.tenant}","skills":[]}`, t);
  });
  const seen = new Set<string>();
  return {
    step(i) {
      // Same id scheme as the kernel (random `t_` + 8 hex), generated inside the timed loop.
      let id = randomIds.taskId();
      while (seen.has(id)) id = randomIds.taskId();
      seen.add(id);
      write.immediate(id, inputs[i], nowSec());
    },
    close: () => db.close(),
    tracer,
  };
}

function kernelCycleSide(ids: string[], inputs: CreateTaskInput[], trace = false): Side {
  const k = openKernel(tempDbPath("kcycle"));
  seedReady(k.db, ids, inputs);
  const tracer = trace ? traceDb(k.db) : undefined;
  return {
    step(i) {
      const id = ids[i];
      const c = k.claim(id);
      k.complete(id, { runId: c.run_id, summary: "done" });
    },
    close: () => k.close(),
    tracer,
  };
}

function floorCycleSide(ids: string[], inputs: CreateTaskInput[], trace = false): Side {
  const db = openFloor(tempDbPath("fcycle"));
  seedReady(db, ids, inputs);
  const tracer = trace ? traceDb(db) : undefined;
  const updClaim = db.prepare(
    `UPDATE tasks SET status = 'running', claim_lock = ?, claim_expires = ?, started_at = COALESCE(started_at, ?),
       last_heartbeat_at = ?, worker_pid = ? WHERE id = ? AND status = 'ready' AND claim_lock IS NULL`,
  );
  const insRun = db.prepare(
    `INSERT INTO task_runs (task_id, profile, status, claim_lock, claim_expires, last_heartbeat_at, started_at)
     VALUES (?, ?, 'running', ?, ?, ?, ?)`,
  );
  const insEvent = db.prepare("INSERT INTO task_events (task_id, run_id, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)");
  const updDone = db.prepare(
    `UPDATE tasks SET status = 'done', completed_at = ?, consecutive_failures = 0, block_kind = NULL, block_recurrences = 0,
       claim_lock = NULL, claim_expires = NULL, worker_pid = NULL, current_run_id = NULL WHERE id = ?`,
  );
  const closeRun = db.prepare(
    "UPDATE task_runs SET status = 'done', outcome = 'completed', ended_at = ?, summary = ?, claim_lock = NULL WHERE id = ? AND ended_at IS NULL",
  );
  const claim = db.transaction((id: string, profile: string | null | undefined, t: number): number => {
    const expires = t + TTL;
    if (updClaim.run(LOCK, expires, t, t, null, id).changes !== 1) throw new Error(`floor claim lost ${id}`);
    const runId = Number(insRun.run(id, profile ?? null, LOCK, expires, t, t).lastInsertRowid);
    insEvent.run(id, runId, "claimed", `{"lock":"${LOCK}","expires":${expires},"run_id":${runId}}`, t);
    return runId;
  });
  const complete = db.transaction((id: string, runId: number, t: number) => {
    updDone.run(t, id);
    closeRun.run(t, "done", runId);
    insEvent.run(id, runId, "completed", `{"summary":"done","result_len":0}`, t);
  });
  return {
    step(i) {
      const id = ids[i];
      const runId = claim.immediate(id, inputs[i].assignee, nowSec());
      complete.immediate(id, runId, nowSec());
    },
    close: () => db.close(),
    tracer,
  };
}

/** Runs n operations on each side, alternating chunks; returns wall and CPU time per side. */
function runPaired(kernel: Side, floor: Side, n: number, kernelFirst: boolean): { kernel: SideTime; floor: SideTime } {
  const acc = { kernel: { wallMs: 0, cpuMs: 0 }, floor: { wallMs: 0, cpuMs: 0 } };
  const run = (side: Side, t: SideTime, from: number, to: number) => {
    const c0 = process.cpuUsage();
    const t0 = now();
    for (let i = from; i < to; i++) side.step(i);
    t.wallMs += now() - t0;
    const c = process.cpuUsage(c0);
    t.cpuMs += (c.user + c.system) / 1000;
  };
  try {
    for (let from = 0, chunk = 0; from < n; from += CHUNK, chunk++) {
      const to = Math.min(n, from + CHUNK);
      const kFirst = (chunk % 2 === 0) === kernelFirst;
      if (kFirst) {
        run(kernel, acc.kernel, from, to);
        run(floor, acc.floor, from, to);
      } else {
        run(floor, acc.floor, from, to);
        run(kernel, acc.kernel, from, to);
      }
    }
  } finally {
    kernel.close();
    floor.close();
  }
  return acc;
}

// ---------------------------------------------------------------------------------------------
// 3. a realistic board

export interface BoardShape {
  tasks: number;
  links: number;
  comments: number;
  runs: number;
  events: number;
  byStatus: Record<string, number>;
}

/**
 * Builds an N-task board through the kernel: parent/child links (~18% of tasks have parents),
 * triage and scheduled tasks, ~45% done with summaries, some running (half with heartbeats),
 * blocked, review and archived tasks, manual positions, and comments on ~25% of tasks.
 */
function buildBoard(k: Kernel, n: number, seed: number): BoardShape {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const ids: string[] = [];
  const future = nowSec() + 86_400 * 30;
  for (let i = 0; i < n; i++) {
    const x = r();
    const parents: string[] = [];
    if (i > 20 && x < 0.18) {
      const lo = Math.max(0, ids.length - 400);
      parents.push(ids[lo + Math.floor(r() * (ids.length - lo))]);
      if (x < 0.04) parents.push(ids[lo + Math.floor(r() * (ids.length - lo))]);
    }
    const res = k.create({
      title: `Board task ${i}: ${pick(["fix", "write", "review", "deploy", "investigate"])} ${pick(["login", "billing", "search", "exports", "the queue"])}`,
      body: BODY.slice(0, 60 + Math.floor(r() * 150)),
      assignee: r() < 0.85 ? pick(ASSIGNEES) : null,
      tenant: r() < 0.8 ? pick(TENANTS) : null,
      priority: Math.floor(r() * 4),
      skills: r() < 0.2 ? ["typescript", "sql"] : null,
      parents,
      triage: x >= 0.18 && x < 0.21,
      scheduled_at: x >= 0.21 && x < 0.23 ? future : null,
      position: r() < 0.05 ? r() * 1000 : null,
    });
    ids.push(res.task.id);
  }
  // Work the board in creation order, so finished parents promote their children on the way.
  const done: string[] = [];
  for (const id of ids) {
    const t = k.task(id) as Task;
    if (t.status !== "ready") continue;
    const x = r();
    if (x < 0.55) {
      const c = k.claim(id);
      k.complete(id, { runId: c.run_id, summary: `Finished ${id}: changed 3 files, tests pass.` });
      done.push(id);
    } else if (x < 0.61) {
      const c = k.claim(id);
      if (r() < 0.5) k.heartbeat(id, { runId: c.run_id, note: "running the test suite" });
    } else if (x < 0.66) {
      const c = k.claim(id);
      k.block(id, { runId: c.run_id, reason: "needs credentials for the staging database", kind: pick(["needs_input", "capability", null]) });
    } else if (x < 0.69) {
      k.move(id, { status: "review" });
    }
  }
  for (const id of done) if (r() < 0.08) k.archive(id);
  for (let i = 0; i < Math.round(n * 0.3); i++) {
    k.comment(pick(ids), pick(["alice", "bob", "coder"]), "Looked at this; see the linked log for details.");
  }
  const one = (sql: string) => (k.db.prepare(sql).get() as { n: number }).n;
  const byStatus: Record<string, number> = {};
  for (const row of k.db.prepare("SELECT status, COUNT(*) AS n FROM tasks GROUP BY status ORDER BY status").all() as { status: string; n: number }[]) {
    byStatus[row.status] = row.n;
  }
  return {
    tasks: one("SELECT COUNT(*) AS n FROM tasks"),
    links: one("SELECT COUNT(*) AS n FROM task_links"),
    comments: one("SELECT COUNT(*) AS n FROM task_comments"),
    runs: one("SELECT COUNT(*) AS n FROM task_runs"),
    events: one("SELECT COUNT(*) AS n FROM task_events"),
    byStatus,
  };
}

// ---------------------------------------------------------------------------------------------
// 4. promotion is local

interface Pair {
  k: Kernel;
  parent: string;
  child: string;
  times: number[];
}

function addPair(k: Kernel): Pair {
  const parent = k.create({ title: "promotion parent" }).task.id;
  const child = k.create({ title: "promotion child", parents: [parent] }).task.id;
  return { k, parent, child, times: [] };
}

/** claim (untimed) → complete (timed; must promote the child) → reopen (untimed; child back to todo). */
function promoteOnce(p: Pair): void {
  const c = p.k.claim(p.parent);
  const t0 = now();
  const res = p.k.complete(p.parent, { runId: c.run_id, summary: "parent done" });
  p.times.push(now() - t0);
  if (res.promoted.length !== 1 || res.promoted[0] !== p.child) throw new Error(`completion did not promote ${p.child}`);
  p.k.move(p.parent, { status: "ready" });
  if ((p.k.task(p.child) as Task).status !== "todo") throw new Error("reopen did not demote the child");
}

interface PlanLine {
  sql: string;
  plan: string[];
}

/** Every statement one traced completion executes, with its query plan. */
function completionPlans(file: string, parent: string): { plans: PlanLine[]; scansTasks: boolean; fullScans: string[] } {
  const db = openKanbanDb(file, { verify: "none" }).db;
  try {
    const tracer = traceDb(db);
    const k = new Kernel({ db });
    const c = k.claim(parent);
    tracer.recording = [];
    k.complete(parent, { runId: c.run_id, summary: "traced" });
    const executed = tracer.recording;
    tracer.recording = null;
    const seen = new Set<string>();
    const plans: PlanLine[] = [];
    const fullScans: string[] = [];
    for (const s of executed) {
      if (seen.has(s.sql)) continue;
      seen.add(s.sql);
      const plan = explain(db, s.sql, s.args);
      plans.push({ sql: s.sql, plan });
      for (const line of plan) if (/^SCAN /.test(line)) fullScans.push(`${line}  ←  ${s.sql}`);
    }
    k.move(parent, { status: "ready" });
    // Any SCAN (of tasks under any alias, or of links/runs/events) would make completion grow with the board.
    return { plans, scansTasks: fullScans.length > 0, fullScans };
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Breakdowns (traced passes; attribution only, never the headline numbers)

interface BreakdownLine {
  what: string;
  calls_per_op: number;
  us_per_op: number;
  share: number;
}

function breakdown(tracer: Tracer, ops: number, totalMs: number): BreakdownLine[] {
  const lines: BreakdownLine[] = [];
  let sqlMs = 0;
  for (const e of tracer.stats.values()) {
    sqlMs += e.ms;
    lines.push({ what: e.sql, calls_per_op: e.calls / ops, us_per_op: (e.ms * 1000) / ops, share: e.ms / totalMs });
  }
  const { beginMs, commitMs, createMs, calls, creates } = tracer.tx;
  lines.push({ what: "BEGIN", calls_per_op: calls / ops, us_per_op: (beginMs * 1000) / ops, share: beginMs / totalMs });
  lines.push({ what: "COMMIT", calls_per_op: calls / ops, us_per_op: (commitMs * 1000) / ops, share: commitMs / totalMs });
  if (creates >= ops) {
    lines.push({ what: "db.transaction(fn) wrapper built per call", calls_per_op: creates / ops, us_per_op: (createMs * 1000) / ops, share: createMs / totalMs });
  }
  const rest = totalMs - sqlMs - beginMs - commitMs - createMs;
  lines.push({ what: "JavaScript outside SQL (incl. tracer overhead)", calls_per_op: 1, us_per_op: (rest * 1000) / ops, share: rest / totalMs });
  return lines.sort((a, b) => b.us_per_op - a.us_per_op).map((l) => ({
    ...l, calls_per_op: round(l.calls_per_op, 2), us_per_op: round(l.us_per_op, 2), share: round(l.share, 3),
  }));
}

function boardBreakdown(file: string, runs: number): { lines: BreakdownLine[]; plans: PlanLine[] } {
  const db = openKanbanDb(file, { verify: "none" }).db;
  try {
    const tracer = traceDb(db);
    const k = new Kernel({ db });
    k.board();
    tracer.reset();
    tracer.recording = [];
    let total = 0;
    for (let i = 0; i < runs; i++) total += timeMs(() => k.board());
    const executed = tracer.recording;
    tracer.recording = null;
    const lines = breakdown(tracer, runs, total);
    const seen = new Set<string>();
    const plans: PlanLine[] = [];
    for (const s of executed) {
      if (seen.has(s.sql)) continue;
      seen.add(s.sql);
      plans.push({ sql: s.sql, plan: explain(db, s.sql, s.args) });
    }
    return { lines, plans };
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Main

function main() {
  const started = now();
  const machine = { ...machineInfo(), sqlite: (new Database(":memory:").prepare("SELECT sqlite_version() AS v").get() as { v: string }).v };
  log(`machine: ${machine.cpu} ×${machine.cores}, node ${machine.node}, SQLite ${machine.sqlite}`);
  log(`settings: ${TASKS} tasks, ${CYCLES} cycles, up to ${ROUNDS} rounds, ${BOARD_RUNS} board runs, tmp ${os.tmpdir()} (${fsType(os.tmpdir())})`);

  const inputs = createInputs(TASKS);

  // Warm-up (JIT) on throwaway DBs.
  {
    const w = Math.min(1000, TASKS);
    runPaired(kernelCreateSide(inputs), floorCreateSide(inputs), w, true);
    const ids = uniqueIds(w);
    runPaired(kernelCycleSide(ids, inputs), floorCycleSide(ids, inputs), Math.min(500, w), true);
    cleanupTemp();
  }

  // 1 + 2: kernel and floor interleaved in chunks, fresh DBs every round.
  const perSec = (n: number, t: SideTime) => n / (t.wallMs / 1000);
  const perCpuSec = (n: number, t: SideTime) => n / (t.cpuMs / 1000);
  const createK: number[] = [];
  const createF: number[] = [];
  const cycleK: number[] = [];
  const cycleF: number[] = [];
  const cpu = { createK: [] as number[], createF: [] as number[], cycleK: [] as number[], cycleF: [] as number[] };
  let roundsRun = 0;
  for (let r = 0; r < ROUNDS; r++) {
    if (!ROUNDS_GIVEN && r >= MIN_ROUNDS && (now() - started) / 1000 > ROUND_BUDGET_S) {
      log(`time budget reached after ${r} rounds`);
      break;
    }
    roundsRun++;
    const kernelFirst = r % 2 === 1;
    const c = runPaired(kernelCreateSide(inputs), floorCreateSide(inputs), TASKS, kernelFirst);
    createK.push(perSec(TASKS, c.kernel));
    createF.push(perSec(TASKS, c.floor));
    cpu.createK.push(perCpuSec(TASKS, c.kernel));
    cpu.createF.push(perCpuSec(TASKS, c.floor));
    const ids = uniqueIds(TASKS);
    const y = runPaired(kernelCycleSide(ids, inputs), floorCycleSide(ids, inputs), CYCLES, kernelFirst);
    cycleK.push(perSec(CYCLES, y.kernel));
    cycleF.push(perSec(CYCLES, y.floor));
    cpu.cycleK.push(perCpuSec(CYCLES, y.kernel));
    cpu.cycleF.push(perCpuSec(CYCLES, y.floor));
    cleanupTemp();
    log(
      `round ${r + 1}/${ROUNDS}: create ${fmtInt(createK[r])}/s vs floor ${fmtInt(createF[r])}/s; ` +
        `cycles ${fmtInt(cycleK[r])}/s vs floor ${fmtInt(cycleF[r])}/s ` +
        `(per CPU-second: create ${fmtInt(cpu.createK[r])} vs ${fmtInt(cpu.createF[r])}, cycles ${fmtInt(cpu.cycleK[r])} vs ${fmtInt(cpu.cycleF[r])})`,
    );
  }

  // 3: board.
  log(`building a realistic ${TASKS}-task board through the kernel…`);
  const boardFile = tempDbPath("board");
  const bk = openKernel(boardFile);
  const shape = buildBoard(bk, TASKS, 42);
  bk.db.pragma("wal_checkpoint(TRUNCATE)");
  log(`board: ${JSON.stringify(shape)}`);
  const selectAll = bk.db.prepare("SELECT * FROM tasks");
  for (let i = 0; i < 3; i++) {
    bk.board();
    selectAll.all();
  }
  const boardMs: number[] = [];
  const selectMs: number[] = [];
  let rowsSelected = 0;
  for (let i = 0; i < BOARD_RUNS; i++) {
    boardMs.push(timeMs(() => bk.board()));
    selectMs.push(timeMs(() => (rowsSelected = selectAll.all().length)));
  }
  const board = bk.board();
  const boardCards = board.columns.reduce((s, c) => s + c.count, 0);
  let payload = "";
  const stringifyMs = timeMs(() => (payload = JSON.stringify(board)));
  const payloadBytes = Buffer.byteLength(payload);
  log(`board: median ${fmtMs(median(boardMs))} ms vs SELECT * ${fmtMs(median(selectMs))} ms; payload ${fmtInt(payloadBytes / 1024)} KiB`);

  // 4: promotion is local.
  log("promotion check: completing a task with one child on the big and the small board…");
  const smallFile = tempDbPath("small");
  const sk = openKernel(smallFile);
  buildBoard(sk, SMALL_BOARD - 2, 7);
  const bigPair = addPair(bk);
  const smallPair = addPair(sk);
  const bigTasks = shape.tasks + 2;
  const smallTasks = (sk.db.prepare("SELECT COUNT(*) AS n FROM tasks").get() as { n: number }).n;
  for (let i = 0; i < 20; i++) {
    promoteOnce(bigPair);
    promoteOnce(smallPair);
  }
  bigPair.times.length = 0;
  smallPair.times.length = 0;
  for (let i = 0; i < PROMO_ITERS; i++) {
    if (i % 2) {
      promoteOnce(bigPair);
      promoteOnce(smallPair);
    } else {
      promoteOnce(smallPair);
      promoteOnce(bigPair);
    }
  }
  const promoBig = median(bigPair.times);
  const promoSmall = median(smallPair.times);
  sk.close();
  const plans = completionPlans(boardFile, bigPair.parent);
  log(`promotion: complete ${fmtMs(promoBig)} ms on ${bigTasks} tasks vs ${fmtMs(promoSmall)} ms on ${smallTasks}; full scans: ${plans.fullScans.length}`);

  // Breakdowns (traced; for the notes).
  let cycleBreakdown: BreakdownLine[] = [];
  let floorBreakdown: BreakdownLine[] = [];
  let createBreakdown: BreakdownLine[] = [];
  let floorCreateBreakdown: BreakdownLine[] = [];
  let boardLines: BreakdownLine[] = [];
  let boardPlans: PlanLine[] = [];
  let tracedCycleUs = NaN;
  let tracedFloorUs = NaN;
  if (BREAKDOWN) {
    log("traced passes for the cost breakdown…");
    const ids = uniqueIds(TASKS);
    const n = Math.min(CYCLES, 3000);
    const ks = kernelCycleSide(ids, inputs, true);
    const fs = floorCycleSide(ids, inputs, true);
    const t = runPaired(ks, fs, n, true);
    tracedCycleUs = (t.kernel.wallMs * 1000) / n;
    tracedFloorUs = (t.floor.wallMs * 1000) / n;
    cycleBreakdown = breakdown(ks.tracer!, n, t.kernel.wallMs);
    floorBreakdown = breakdown(fs.tracer!, n, t.floor.wallMs);
    const kc = kernelCreateSide(inputs, true);
    const fc = floorCreateSide(inputs, true);
    const nc = Math.min(TASKS, 5000);
    const tc = runPaired(kc, fc, nc, true);
    createBreakdown = breakdown(kc.tracer!, nc, tc.kernel.wallMs);
    floorCreateBreakdown = breakdown(fc.tracer!, nc, tc.floor.wallMs);
    bk.close();
    const bb = boardBreakdown(boardFile, 5);
    boardLines = bb.lines;
    boardPlans = bb.plans;
  } else {
    bk.close();
  }
  cleanupTemp();

  // ---- figures
  const cK = median(createK);
  const cF = median(createF);
  const yK = median(cycleK);
  const yF = median(cycleF);
  const bK = median(boardMs);
  const bF = median(selectMs);
  const createRatio = cK / cF;
  const cycleRatio = yK / yF;
  const boardRatio = bK / bF;
  const promoRatio = promoBig / promoSmall;

  const rows: Row[] = [
    {
      metric: `create, tasks/s (${fmtInt(TASKS)} creates)`,
      kernel: fmtInt(cK), floor: fmtInt(cF), ratio: `${(createRatio * 100).toFixed(0)}%`,
      target: `≥ ${TARGET.create * 100}%`, pass: createRatio >= TARGET.create,
    },
    {
      metric: `claim→complete, cycles/s (${fmtInt(CYCLES)} cycles, ${fmtInt(TASKS)} tasks)`,
      kernel: fmtInt(yK), floor: fmtInt(yF), ratio: `${(cycleRatio * 100).toFixed(0)}%`,
      target: `≥ ${TARGET.cycles * 100}%`, pass: cycleRatio >= TARGET.cycles,
    },
    {
      metric: `board query, ms (${fmtInt(shape.tasks)} tasks; floor = SELECT * FROM tasks)`,
      kernel: fmtMs(bK), floor: fmtMs(bF), ratio: `${boardRatio.toFixed(2)}×`,
      target: `< ${TARGET.board}×`, pass: boardRatio < TARGET.board,
    },
    {
      metric: `complete with 1 child, ms (${fmtInt(bigTasks)}-task board; floor = ${smallTasks}-task board)`,
      kernel: fmtMs(promoBig), floor: fmtMs(promoSmall), ratio: `${promoRatio.toFixed(2)}×`,
      target: `≈ 1× (< ${TARGET.promotion}×)`, pass: promoRatio < TARGET.promotion,
    },
    {
      metric: "completion full-scans a table (EXPLAIN QUERY PLAN of every statement it runs)",
      kernel: plans.scansTasks ? "yes" : "no", floor: "—", ratio: "—",
      target: "no", pass: !plans.scansTasks,
    },
  ];

  const figures = {
    bench: "kernel",
    issue: 2,
    machine,
    settings: {
      tasks: TASKS, cycles: CYCLES, rounds: roundsRun, chunk: CHUNK, board_runs: BOARD_RUNS, promotion_iterations: PROMO_ITERS,
      small_board_tasks: smallTasks, journal_mode: "wal", synchronous: "NORMAL", tmpdir: os.tmpdir(), tmpdir_fs: fsType(os.tmpdir()),
    },
    create: {
      kernel_per_s: round(cK, 0), floor_per_s: round(cF, 0), ratio: round(createRatio, 3), target: TARGET.create,
      pass: createRatio >= TARGET.create, rounds: { kernel: createK.map((x) => round(x, 0)), floor: createF.map((x) => round(x, 0)) },
      per_cpu_second: cpuFigures(cpu.createK, cpu.createF),
    },
    cycles: {
      kernel_per_s: round(yK, 0), floor_per_s: round(yF, 0), ratio: round(cycleRatio, 3), target: TARGET.cycles,
      pass: cycleRatio >= TARGET.cycles, kernel_us_per_cycle: round(1e6 / yK, 1), floor_us_per_cycle: round(1e6 / yF, 1),
      rounds: { kernel: cycleK.map((x) => round(x, 0)), floor: cycleF.map((x) => round(x, 0)) },
      per_cpu_second: cpuFigures(cpu.cycleK, cpu.cycleF),
    },
    board: {
      tasks: shape.tasks, cards: boardCards, kernel_ms: round(bK, 3), select_all_ms: round(bF, 3), select_all_rows: rowsSelected,
      ratio: round(boardRatio, 3), target: TARGET.board, pass: boardRatio < TARGET.board,
      kernel_ms_p90: round(quantile(boardMs, 0.9), 3), select_all_ms_p90: round(quantile(selectMs, 0.9), 3),
      payload_bytes: payloadBytes, json_stringify_ms: round(stringifyMs, 2), shape,
    },
    promotion: {
      big_board_tasks: bigTasks, small_board_tasks: smallTasks, complete_ms_big: round(promoBig, 4), complete_ms_small: round(promoSmall, 4),
      ratio: round(promoRatio, 3), target: TARGET.promotion, pass: promoRatio < TARGET.promotion,
      completion_scans_tasks: plans.scansTasks, full_scans: plans.fullScans, plans: plans.plans,
    },
    breakdown: BREAKDOWN
      ? {
          note: "traced pass (per-statement timers add overhead); use shares, not absolute numbers",
          kernel_cycle_us_traced: round(tracedCycleUs, 1), floor_cycle_us_traced: round(tracedFloorUs, 1),
          kernel_cycle: cycleBreakdown, floor_cycle: floorBreakdown, kernel_create: createBreakdown, floor_create: floorCreateBreakdown,
          board: boardLines, board_plans: boardPlans,
        }
      : null,
    rows: rows.map((r) => ({ ...r, pass: r.pass === null ? null : r.pass ? "pass" : "MISSED" })),
    all_pass: rows.every((r) => r.pass !== false),
    runtime_s: round((now() - started) / 1000, 1),
  };

  const table = resultTable(rows);
  // One line, so `npm run bench -- --json | tail -n 1` parses even with npm's banner (or use `npm run -s`).
  if (JSON_OUT) process.stdout.write(JSON.stringify(figures) + "\n");
  else process.stdout.write(table + "\n");

  if (WRITE_DOC) {
    writeSection(PERF_MD, "kernel", perfSection(figures, table));
    log(`wrote ${path.relative(process.cwd(), PERF_MD) || PERF_MD}`);
  }
  log(`done in ${figures.runtime_s} s${figures.all_pass ? "" : " (some targets MISSED)"}`);
}

/** Throughput per CPU-second (user+sys): insensitive to disk stalls, so it isolates kernel overhead. */
function cpuFigures(k: number[], f: number[]) {
  return { kernel: round(median(k), 0), floor: round(median(f), 0), ratio: round(median(k) / median(f), 3) };
}

interface Breakdowns {
  kernel_cycle_us_traced: number;
  floor_cycle_us_traced: number;
  kernel_cycle: BreakdownLine[];
  floor_cycle: BreakdownLine[];
  kernel_create: BreakdownLine[];
  floor_create: BreakdownLine[];
  board: BreakdownLine[];
}

function perfSection(
  f: {
    machine: ReturnType<typeof machineInfo> & { sqlite: string };
    settings: Record<string, unknown>;
    board: { shape: BoardShape; payload_bytes: number; json_stringify_ms: number };
    promotion: { plans: PlanLine[]; full_scans: string[] };
    create: { rounds: { kernel: number[]; floor: number[] }; per_cpu_second: ReturnType<typeof cpuFigures> };
    cycles: { rounds: { kernel: number[]; floor: number[] }; per_cpu_second: ReturnType<typeof cpuFigures> };
    breakdown: Breakdowns | null;
    runtime_s: number;
  },
  table: string,
): string {
  const m = f.machine;
  const s = f.board.shape;
  const short = (sql: string) => (sql.length > 110 ? sql.slice(0, 107) + "…" : sql);
  const bdTable = (lines: BreakdownLine[], unit: "µs" | "ms" = "µs") =>
    markdownTable(
      ["where", "calls/op", `${unit}/op`, "share"],
      lines.map((l) => [
        /^[A-Z]+ /.test(l.what) && l.what !== "COMMIT" && l.what !== "BEGIN" ? `\`${short(l.what)}\`` : short(l.what),
        String(l.calls_per_op),
        unit === "µs" ? l.us_per_op.toFixed(1) : fmtMs(l.us_per_op / 1000),
        `${(l.share * 100).toFixed(0)}%`,
      ]),
    );
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const out: string[] = [
    "## Kernel (issue 2)",
    "",
    "`npm run bench` prints the table; `npm run -s bench -- --json` prints the same figures as one JSON line " +
      "(without `-s`, npm's own banner precedes it on stdout). Options: `--tasks N`, `--cycles N`, `--rounds N`, `--no-write`, `--no-breakdown`.",
    "",
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.platform}, Node ${m.node}, SQLite ${m.sqlite}.`,
    `- Date: ${m.date}.`,
    `- Settings: ${f.settings.tasks} tasks per DB; ${f.settings.cycles} claim→complete cycles; ${f.settings.rounds} rounds. ` +
      `Each round gives the kernel and the floor their own fresh temp file DB in ${f.settings.tmpdir} (${f.settings.tmpdir_fs}), ` +
      `opened through \`openKanbanDb\` (WAL, synchronous=NORMAL), and runs them alternately in chunks of ${f.settings.chunk} operations ` +
      "so both see the same machine and disk; the table compares medians over rounds as ratios. " +
      `Board: median of ${f.settings.board_runs} runs after 3 warm-ups, alternating with the bare \`SELECT * FROM tasks\`. ` +
      `Promotion: median of ${f.settings.promotion_iterations} completions per board (claim and reopen untimed).`,
    "- Floor: bare better-sqlite3 prepared statements writing the same rows in the same BEGIN IMMEDIATE transactions " +
      "(create: INSERT task + INSERT event; claim: UPDATE task + INSERT run + INSERT event; complete: UPDATE task + UPDATE run + INSERT event).",
    `- Board shape: ${s.tasks} tasks (${Object.entries(s.byStatus).map(([k, v]) => `${k} ${v}`).join(", ")}), ` +
      `${s.links} links, ${s.comments} comments, ${s.runs} runs, ${s.events} events; board JSON ${fmtInt(f.board.payload_bytes / 1024)} KiB ` +
      `(JSON.stringify ${f.board.json_stringify_ms} ms).`,
    `- Rounds (per second): create kernel ${f.create.rounds.kernel.map(fmtInt).join(" / ")} vs floor ${f.create.rounds.floor.map(fmtInt).join(" / ")}; ` +
      `cycles kernel ${f.cycles.rounds.kernel.map(fmtInt).join(" / ")} vs floor ${f.cycles.rounds.floor.map(fmtInt).join(" / ")}.`,
    `- Per CPU-second (user+sys, blind to disk stalls, so it shows the kernel's own overhead): create ${fmtInt(f.create.per_cpu_second.kernel)} vs ` +
      `${fmtInt(f.create.per_cpu_second.floor)} (${pct(f.create.per_cpu_second.ratio)}); cycles ${fmtInt(f.cycles.per_cpu_second.kernel)} vs ` +
      `${fmtInt(f.cycles.per_cpu_second.floor)} (${pct(f.cycles.per_cpu_second.ratio)}).`,
    `- Whole run: ${f.runtime_s} s.`,
    "",
    table,
    "",
    "Statements one completion (with one child to promote) runs on the big board, and their query plans " +
      "(every read is a SEARCH by key; a SCAN would make completion grow with the board):",
    "",
    markdownTable(["statement", "plan"], f.promotion.plans.map((p) => [`\`${short(p.sql)}\``, p.plan.length ? p.plan.join("; ") : "(write by rowid, no read plan)"])),
  ];
  const b = f.breakdown;
  if (b) {
    out.push(
      "",
      "### Where the time goes (traced passes)",
      "",
      "Each statement's run/get/all is timed on its own; BEGIN and COMMIT are timed apart from the transaction body; " +
        "the rest is JavaScript (plus the tracer's own cost, so read the shares, not the absolute figures). " +
        `Traced cycle: kernel ${b.kernel_cycle_us_traced} µs, floor ${b.floor_cycle_us_traced} µs. ` +
        "In the write paths COMMIT is the WAL append plus, every ~1000 WAL pages, an automatic checkpoint (with fsync); " +
        "in the board (a read transaction) it only releases the snapshot.",
      "",
      "Kernel claim→complete cycle:",
      "",
      bdTable(b.kernel_cycle),
      "",
      "Floor cycle:",
      "",
      bdTable(b.floor_cycle),
      "",
      "Kernel create:",
      "",
      bdTable(b.kernel_create),
      "",
      "Floor create:",
      "",
      bdTable(b.floor_create),
      "",
      "`kernel.board()`:",
      "",
      bdTable(b.board, "ms"),
    );
  }
  return out.join("\n");
}

try {
  main();
} finally {
  cleanupTemp();
}
