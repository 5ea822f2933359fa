/**
 * Adoption of existing Hermes files (SPEC §3.4): both fixtures open in place on a temp copy, keep
 * every row, gain our columns, stay readable with the Hermes column set (checked with Python's
 * sqlite3 too, as Hermes reads it), and survive a claim → complete round trip through our kernel.
 * Files that are not SQLite or fail integrity_check are refused and left byte-for-byte untouched.
 */
import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import Database from "better-sqlite3";
import { openKanbanDb } from "../db/open";
import { openKernel } from "../server/kernel/index";
import { KanbanError } from "../server/kernel/errors";
import { tempDir, invariantViolations, fixturesDir } from "./helpers";

const FIXTURES = fixturesDir();
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function copyFixture(name: string): string {
  const dir = tempDir("kanban-adopt-");
  dirs.push(dir);
  const file = path.join(dir, "kanban.db");
  fs.copyFileSync(path.join(FIXTURES, name), file);
  fs.chmodSync(file, 0o644); // the shared fixtures are read-only
  return file;
}

const TABLES = ["tasks", "task_links", "task_comments", "task_events", "task_runs", "kanban_notify_subs"];

function snapshot(file: string) {
  const db = new Database(file, { readonly: true });
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all();
  const cols: Record<string, string[]> = {};
  for (const t of TABLES) cols[t] = (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
  db.close();
  return { rows: out, cols };
}

/** Every original column value of every original row is still there, unchanged. */
function expectRowsKept(before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>) {
  for (const t of TABLES) {
    expect(after.rows[t].length, `${t} row count`).toBe(before.rows[t].length);
    before.rows[t].forEach((row, i) => {
      const a = after.rows[t][i] as Record<string, unknown>;
      for (const [k, v] of Object.entries(row as Record<string, unknown>)) expect(a[k], `${t}[${i}].${k}`).toEqual(v);
    });
    for (const c of before.cols[t]) expect(after.cols[t]).toContain(c);
  }
}

const OUR_NEW_COLUMNS = ["consecutive_failures", "last_failure_error", "branch_name", "max_retries", "block_kind", "block_recurrences", "scheduled_at", "position"];

describe.each([
  ["hermes-v1.kanban.db", ["spawn_failures", "last_spawn_error"]],
  ["hermes-2026-07.kanban.db", ["project_id", "goal_mode", "session_id", "model_override"]],
])("adopting %s", (name, hermesOnly) => {
  it("keeps every row and Hermes column, adds ours, and is idempotent", () => {
    const file = copyFixture(name);
    const before = snapshot(file);
    expect(before.rows.tasks.length).toBe(16);
    expect(before.rows.task_events.length).toBe(32);
    expect(before.rows.task_runs.length).toBe(6);
    expect(before.rows.kanban_notify_subs.length).toBe(1);

    const first = openKanbanDb(file);
    first.db.close();
    const after = snapshot(file);
    expectRowsKept(before, after);
    for (const c of OUR_NEW_COLUMNS) expect(after.cols.tasks).toContain(c);
    for (const c of hermesOnly) expect(after.cols.tasks).toContain(c);
    if (name === "hermes-v1.kanban.db") expect(first.adopted).toContain("added column tasks.consecutive_failures");

    const again = openKanbanDb(file);
    expect(again.adopted).toEqual([]);
    expect(again.db.prepare("PRAGMA integrity_check").pluck().get()).toBe("ok");
    expect(again.db.pragma("journal_mode", { simple: true })).toBe("wal");
    again.db.close();
  });

  it("reads the Hermes board through our read models", () => {
    const file = copyFixture(name);
    const k = openKernel(file);
    const board = k.board();
    const total = board.columns.reduce((n, c) => n + c.count, 0);
    const archived = (k.db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE status = 'archived'").get() as { n: number }).n;
    expect(total).toBe(16 - archived);
    expect(board.tenants).toContain("auth-project");
    const running = board.columns.find((c) => c.status === "running")!.cards;
    expect(running.length).toBeGreaterThan(0);
    expect(running[0].vitals).toBeDefined();
    const withIdem = k.db.prepare("SELECT id, idempotency_key FROM tasks WHERE idempotency_key IS NOT NULL").get() as { id: string; idempotency_key: string };
    expect(k.create({ title: "dup", idempotency_key: withIdem.idempotency_key })).toMatchObject({ created: false, task: { id: withIdem.id } });
    const detail = k.detail(running[0].id);
    expect(detail.runs.length).toBeGreaterThan(0);
    expect(k.context(running[0].id)).toContain(`# ${running[0].title}`);
    k.close();
  });

  it("round trip: claim → complete through our kernel, then re-read with the Hermes column set", () => {
    const file = copyFixture(name);
    const before = snapshot(file);
    const k = openKernel(file);
    const ready = k.list({ status: "ready" });
    expect(ready.length).toBeGreaterThan(0);
    const t = ready[0];
    const { run_id } = k.claim(t.id, { workerPid: process.pid });
    k.heartbeat(t.id, { runId: run_id, note: "working" });
    k.complete(t.id, { runId: run_id, summary: "adopted and done", metadata: { via: "fleet-kanban" } });
    const newTask = k.create({ title: "created by fleet kanban", assignee: "writer", tenant: "content-ops" }).task;
    expect(invariantViolations(k).filter((v) => !v.startsWith("running⇔run"))).toEqual([]);
    k.close();

    // Hermes reads its own column list with plain SELECTs.
    const hermesCols = before.cols;
    const db = new Database(file, { readonly: true });
    for (const tbl of TABLES) {
      const rows = db.prepare(`SELECT ${hermesCols[tbl].join(", ")} FROM ${tbl}`).all();
      expect(rows.length).toBeGreaterThanOrEqual(before.rows[tbl].length);
    }
    const row = db.prepare(`SELECT ${hermesCols.tasks.join(", ")} FROM tasks WHERE id = ?`).get(t.id) as Record<string, unknown>;
    expect(row).toMatchObject({ status: "done", claim_lock: null, current_run_id: null });
    const run = db.prepare(`SELECT ${hermesCols.task_runs.join(", ")} FROM task_runs WHERE id = ?`).get(run_id) as Record<string, unknown>;
    expect(run).toMatchObject({ status: "done", outcome: "completed", summary: "adopted and done", metadata: '{"via":"fleet-kanban"}' });
    const created = db.prepare(`SELECT ${hermesCols.tasks.join(", ")} FROM tasks WHERE id = ?`).get(newTask.id) as Record<string, unknown>;
    expect(created).toMatchObject({ title: "created by fleet kanban", status: "ready", workspace_kind: "scratch" });
    expect(db.prepare("PRAGMA integrity_check").pluck().get()).toBe("ok");
    db.close();

    // And Python's sqlite3 (what Hermes uses) opens the WAL-mode file and reads the same rows.
    const py = execFileSync("python3", ["-c", `
import sqlite3, sys, json
c = sqlite3.connect(sys.argv[1])
cols = [r[1] for r in c.execute("PRAGMA table_info(tasks)")]
row = c.execute("SELECT status, title FROM tasks WHERE id = ?", (sys.argv[2],)).fetchone()
n = c.execute("SELECT COUNT(*) FROM tasks").fetchone()[0]
print(json.dumps({"status": row[0], "n": n, "cols": len(cols)}))
`, file, t.id], { encoding: "utf8" });
    expect(JSON.parse(py)).toMatchObject({ status: "done", n: 17 });
  });
});

describe("refusing files", () => {
  function fileState(file: string) {
    return { bytes: fs.readFileSync(file).toString("base64"), mtime: fs.statSync(file).mtimeMs, siblings: fs.readdirSync(path.dirname(file)).sort() };
  }

  it("refuses a file that is not SQLite and leaves it untouched", () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = path.join(dir, "kanban.db");
    fs.writeFileSync(file, "this is a text file, not a database\n".repeat(100));
    const before = fileState(file);
    expect(() => openKanbanDb(file)).toThrow(/not an SQLite database.*left untouched/);
    try {
      openKanbanDb(file);
    } catch (e) {
      expect(e).toBeInstanceOf(KanbanError);
      expect((e as KanbanError).code).toBe("db_refused");
    }
    expect(fileState(file)).toEqual(before);
  });

  it("refuses a truncated header", () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = path.join(dir, "kanban.db");
    fs.writeFileSync(file, "SQLite form");
    expect(() => openKanbanDb(file)).toThrow(/not an SQLite database/);
  });

  it("refuses a file that fails integrity_check and leaves it untouched", () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = path.join(dir, "kanban.db");
    const { db } = openKanbanDb(file);
    const ins = db.prepare("INSERT INTO tasks (id, title, status, created_at) VALUES (?, ?, 'ready', 0)");
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) ins.run(`t_${i.toString(16).padStart(8, "0")}`, `task number ${i}`);
    })();
    const root = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'idx_tasks_status'").pluck().get() as number;
    db.pragma("journal_mode = DELETE");
    db.close();
    const buf = fs.readFileSync(file);
    const pageSize = buf.readUInt16BE(16);
    // Scribble over the index's root page cells (not its header), so the schema still parses.
    buf.fill(0xff, (root - 1) * pageSize + 12, (root - 1) * pageSize + 200);
    fs.writeFileSync(file, buf);
    const before = fileState(file);
    expect(() => openKanbanDb(file)).toThrow(/integrity_check/);
    expect(fileState(file)).toEqual(before);
  });

  it("refuses a directory", () => {
    const dir = tempDir();
    dirs.push(dir);
    expect(() => openKanbanDb(dir)).toThrow(/directory/);
  });
});
