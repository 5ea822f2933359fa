/** Test fixtures: a fresh kernel on its own temp file, with a pinned clock and fake processes. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openKernel, Kernel } from "../server/kernel/index";
import { ManualClock, sequentialIds } from "../server/kernel/clock";
import { FakeProcessControl } from "../server/kernel/process-control";
import type { KernelConfig } from "../server/kernel/context";
import type { Status } from "../server/kernel/types";

export interface Fixture {
  k: Kernel;
  clock: ManualClock;
  proc: FakeProcessControl;
  dir: string;
  file: string;
  cleanup(): void;
}

export function tempDir(prefix = "kanban-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function makeFixture(config: Partial<KernelConfig> = {}): Fixture {
  const dir = tempDir();
  const file = path.join(dir, "kanban.db");
  const clock = new ManualClock(1_800_000_000);
  const proc = new FakeProcessControl();
  const k = openKernel(file, { clock, ids: sequentialIds(), proc, config });
  return {
    k, clock, proc, dir, file,
    cleanup() {
      try {
        k.close();
      } catch {
        /* already closed */
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a task that is in `status` through the kernel's own operations. */
export function taskIn(f: Fixture, status: Status, extra: { title?: string } = {}): string {
  const { k, clock } = f;
  const title = extra.title ?? `task in ${status}`;
  switch (status) {
    case "triage":
      return k.create({ title, triage: true }).task.id;
    case "todo": {
      const parent = k.create({ title: `parent of ${title}` }).task.id;
      return k.create({ title, parents: [parent] }).task.id;
    }
    case "scheduled":
      return k.create({ title, scheduled_at: clock.now() + 3600 }).task.id;
    case "ready":
      return k.create({ title, assignee: "dev" }).task.id;
    case "running": {
      const id = k.create({ title, assignee: "dev" }).task.id;
      k.claim(id, { workerPid: 777 });
      f.proc.states.set(777, "alive");
      return id;
    }
    case "blocked": {
      const id = k.create({ title }).task.id;
      k.block(id, { reason: "needs a human" });
      return id;
    }
    case "review": {
      const id = k.create({ title }).task.id;
      k.move(id, { status: "review" });
      return id;
    }
    case "done": {
      const id = k.create({ title }).task.id;
      k.complete(id, { summary: "done" });
      return id;
    }
    case "archived": {
      const id = k.create({ title }).task.id;
      k.archive(id);
      return id;
    }
  }
}

/** A stable text dump of every table, to prove a refused operation changed nothing. */
export function dump(k: Kernel): string {
  const tables = ["tasks", "task_links", "task_comments", "task_events", "task_runs", "kanban_notify_subs"];
  return tables
    .map((t) => t + ":" + JSON.stringify(k.db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()))
    .join("\n");
}

export function eventKinds(k: Kernel, taskId: string): string[] {
  return (k.db.prepare("SELECT kind FROM task_events WHERE task_id = ? ORDER BY id").all(taskId) as { kind: string }[]).map(
    (r) => r.kind,
  );
}

/**
 * The invariants of SPEC §3.2 (1–5), plus "running ⇔ an open current run" for kernel-written data.
 * Returns a list of violations (empty when all hold).
 */
export function invariantViolations(k: Kernel): string[] {
  const db = k.db;
  const v: string[] = [];
  const q = (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
  for (const r of q(`SELECT t.id, t.current_run_id FROM tasks t LEFT JOIN task_runs r ON r.id = t.current_run_id
                     WHERE t.current_run_id IS NOT NULL AND (r.id IS NULL OR r.ended_at IS NOT NULL OR r.task_id != t.id)`))
    v.push(`1: ${r.id} points at run ${r.current_run_id} that is missing, closed or foreign`);
  for (const r of q(`SELECT r.id, r.task_id FROM task_runs r LEFT JOIN tasks t ON t.id = r.task_id
                     WHERE r.ended_at IS NULL AND (t.id IS NULL OR t.current_run_id IS NOT r.id)`))
    v.push(`1: open run ${r.id} is not the current run of ${r.task_id}`);
  for (const r of q("SELECT id, status FROM tasks WHERE claim_lock IS NOT NULL AND status != 'running'"))
    v.push(`2: ${r.id} has a claim lock while ${r.status}`);
  for (const r of q("SELECT id FROM task_runs WHERE (outcome IS NULL) != (ended_at IS NULL) OR ended_at < started_at"))
    v.push(`3: run ${r.id} outcome/ended_at mismatch or ends before it starts`);
  for (const r of q("SELECT e.id, e.run_id FROM task_events e LEFT JOIN task_runs r ON r.id = e.run_id WHERE e.run_id IS NOT NULL AND r.id IS NULL"))
    v.push(`4: event ${r.id} names missing run ${r.run_id}`);
  for (const r of q(`SELECT t.id FROM tasks t WHERE t.status = 'todo'
                     AND NOT EXISTS (SELECT 1 FROM task_links l JOIN tasks p ON p.id = l.parent_id
                                     WHERE l.child_id = t.id AND p.status NOT IN ('done','archived'))
                     AND NOT (t.block_kind = 'dependency' AND NOT EXISTS (SELECT 1 FROM task_links l WHERE l.child_id = t.id))`))
    v.push(`5: todo task ${r.id} has every parent done but was not promoted`);
  for (const r of q("SELECT id FROM tasks WHERE (status = 'running') != (current_run_id IS NOT NULL)"))
    v.push(`running⇔run: ${r.id}`);
  return v;
}

/**
 * The Hermes fixture folder: `shared/fixtures` beside the checkout (as in CI, where a copy of
 * shared/ sits next to the fresh clone), or KANBAN_FIXTURES to point elsewhere.
 */
export function fixturesDir(): string {
  const candidates = [process.env.KANBAN_FIXTURES, path.resolve(__dirname, "../../shared/fixtures"), "/work/shared/fixtures"];
  for (const c of candidates) if (c && fs.existsSync(path.join(c, "hermes-v1.kanban.db"))) return c;
  throw new Error(`Hermes fixtures not found (looked in ${candidates.filter(Boolean).join(", ")}); set KANBAN_FIXTURES`);
}
