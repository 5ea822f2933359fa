/**
 * Property test (SPEC §3.2): thousands of random operation sequences against a real file DB; after
 * every step the invariants hold, and a refused operation leaves the database byte-for-byte as it
 * was (compared as a dump of every table).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { makeFixture, dump, invariantViolations, type Fixture } from "./helpers";
import { KanbanError } from "../server/kernel/errors";
import { STATUSES } from "../server/kernel/types";

type Op =
  | { op: "create"; parents: number[]; triage: boolean; sched: boolean; key: number | null; assignee: number }
  | { op: "link" | "unlink"; a: number; b: number }
  | { op: "claim" | "reclaim" | "archive" | "delete" | "unblock" | "comment" | "spawnFailed" | "kill"; a: number }
  | { op: "claimNext" }
  | { op: "heartbeat" | "complete"; a: number; fence: "current" | "stale" | "none" }
  | { op: "block"; a: number; kind: number }
  | { op: "assign"; a: number; who: number }
  | { op: "edit"; a: number; field: number; val: number }
  | { op: "move"; a: number; to: number }
  | { op: "advance"; s: number }
  | { op: "exit"; a: number; code: number }
  | { op: "liveness" };

const idx = fc.nat(15);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("create" as const), parents: fc.array(idx, { maxLength: 2 }), triage: fc.boolean(), sched: fc.boolean(), key: fc.option(fc.nat(2)), assignee: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom("link" as const, "unlink" as const), a: idx, b: idx }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom("claim" as const, "reclaim" as const, "archive" as const, "delete" as const, "unblock" as const, "comment" as const, "spawnFailed" as const, "kill" as const), a: idx }) },
  { weight: 2, arbitrary: fc.constant({ op: "claimNext" as const }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom("heartbeat" as const, "complete" as const), a: idx, fence: fc.constantFrom("current" as const, "stale" as const, "none" as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("block" as const), a: idx, kind: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("assign" as const), a: idx, who: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("edit" as const), a: idx, field: fc.nat(3), val: fc.integer({ min: -2, max: 7200 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("move" as const), a: idx, to: fc.nat(STATUSES.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("advance" as const), s: fc.constantFrom(1, 30, 600, 1000, 4000) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("exit" as const), a: idx, code: fc.constantFrom(0, 1, 75, 137) }) },
  { weight: 2, arbitrary: fc.constant({ op: "liveness" as const }) },
);

const KINDS = [null, "needs_input", "capability", "transient", "dependency"];
const WHO = [null, "dev", "ops"];

let f: Fixture;
beforeAll(() => {
  f = makeFixture({ failureLimit: 2, crashGraceSeconds: 30, claimTtlSeconds: 900, staleTimeoutSeconds: 3600 });
});
afterAll(() => f.cleanup());

function reset() {
  for (const t of ["tasks", "task_links", "task_comments", "task_events", "task_runs", "kanban_notify_subs"]) {
    f.k.db.prepare(`DELETE FROM ${t}`).run();
  }
  f.proc.states.clear();
  f.proc.exits.clear();
}

function apply(op: Op, ids: string[], pids: Map<string, number>, nextPid: { n: number }) {
  const k = f.k;
  const id = (i: number) => ids[i % Math.max(ids.length, 1)] ?? "t_missing0";
  const runOf = (t: string) => k.db.prepare("SELECT current_run_id AS r FROM tasks WHERE id = ?").get(t) as { r: number | null } | undefined;
  switch (op.op) {
    case "create": {
      const parents = ids.length ? op.parents.map((p) => id(p)) : [];
      const r = k.create({
        title: `task ${ids.length}`, parents, triage: op.triage, assignee: WHO[op.assignee],
        scheduled_at: op.sched ? f.clock.now() + 100 : null, idempotency_key: op.key == null ? null : `key-${op.key}`,
      });
      if (r.created) ids.push(r.task.id);
      return;
    }
    case "link":
      return k.link(id(op.a), id(op.b));
    case "unlink":
      return k.unlink(id(op.a), id(op.b));
    case "claim": {
      const pid = nextPid.n++;
      k.claim(id(op.a), { workerPid: pid });
      f.proc.states.set(pid, "alive");
      pids.set(id(op.a), pid);
      return;
    }
    case "claimNext": {
      const pid = nextPid.n++;
      const r = k.claimNext({}, { workerPid: pid });
      if (r) {
        f.proc.states.set(pid, "alive");
        pids.set(r.task.id, pid);
      }
      return;
    }
    case "heartbeat":
    case "complete": {
      const t = id(op.a);
      const cur = runOf(t)?.r ?? null;
      const runId = op.fence === "current" ? cur : op.fence === "stale" ? (cur ?? 0) + 1000 : undefined;
      if (op.op === "heartbeat") return k.heartbeat(t, { runId, note: "beat" });
      return k.complete(t, { runId, summary: "did it", metadata: { n: 1 } });
    }
    case "block":
      return k.block(id(op.a), { reason: "stuck", kind: KINDS[op.kind] });
    case "unblock":
      return k.unblock(id(op.a));
    case "assign":
      return k.assign(id(op.a), WHO[op.who]);
    case "reclaim":
      return k.reclaim(id(op.a));
    case "archive":
      return k.archive(id(op.a));
    case "delete":
      return k.delete(id(op.a));
    case "comment":
      return k.comment(id(op.a), "bob", "hello");
    case "edit": {
      const field = ["priority", "max_retries", "max_runtime_seconds", "scheduled_at"][op.field];
      const val = field === "scheduled_at" ? f.clock.now() + op.val : field === "max_retries" ? Math.max(1, op.val % 5) : op.val;
      return k.edit(id(op.a), { [field]: val });
    }
    case "move":
      return k.move(id(op.a), { status: STATUSES[op.to], summary: "board", reason: "board" });
    case "advance":
      return f.clock.advance(op.s);
    case "kill": {
      const pid = pids.get(id(op.a));
      if (pid != null) f.proc.states.set(pid, "gone");
      return;
    }
    case "exit": {
      const pid = pids.get(id(op.a));
      if (pid != null) {
        f.proc.states.set(pid, "gone");
        f.proc.exits.set(pid, op.code === 137 ? { code: null, signal: "SIGKILL" } : { code: op.code, signal: null });
      }
      return;
    }
    case "spawnFailed": {
      const t = id(op.a);
      const r = runOf(t)?.r;
      if (r != null) k.spawnFailed(t, r, "exec failed: ENOENT");
      return;
    }
    case "liveness":
      return k.livenessPass();
  }
}

describe("random operation sequences keep the invariants", () => {
  it("holds after every step of 2,000 sequences", () => {
    let steps = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 30 }), (ops) => {
        reset();
        const ids: string[] = [];
        const pids = new Map<string, number>();
        const nextPid = { n: 1000 };
        for (const op of ops) {
          const before = dump(f.k);
          const eventsBefore = (f.k.db.prepare("SELECT COALESCE(MAX(id),0) AS m FROM task_events").get() as { m: number }).m;
          try {
            apply(op, ids, pids, nextPid);
          } catch (e) {
            if (!(e instanceof KanbanError)) throw e;
            refused++;
            expect(e.code === "conflict" || e.code === "validation" || e.code === "not_found").toBe(true);
            expect(dump(f.k), `refused ${JSON.stringify(op)} changed the database`).toBe(before);
          }
          steps++;
          const v = invariantViolations(f.k);
          if (v.length) throw new Error(`after ${JSON.stringify(op)}: ${v.join("; ")}`);
          // Invariant 4: event ids strictly increase (AUTOINCREMENT never reuses or reorders).
          const ids2 = (f.k.db.prepare("SELECT id FROM task_events WHERE id > ? ORDER BY rowid").all(eventsBefore) as { id: number }[]).map((r) => r.id);
          for (let i = 1; i < ids2.length; i++) expect(ids2[i]).toBeGreaterThan(ids2[i - 1]);
        }
      }),
      { numRuns: 2000, seed: Number(process.env.FC_SEED ?? 20261128) },
    );
    expect(steps).toBeGreaterThan(20_000);
    expect(refused).toBeGreaterThan(1000); // the sequences really exercise the illegal paths too
  }, 300_000);
});
