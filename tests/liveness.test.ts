/**
 * Leases, liveness and the circuit breaker (SPEC §4.2) with a pinned clock: each rule is checked
 * one second before, at and after its threshold, against fake processes.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeFixture, eventKinds, invariantViolations, type Fixture } from "./helpers";

let f: Fixture;
beforeEach(() => {
  f = makeFixture({ claimTtlSeconds: 900, crashGraceSeconds: 30, failureLimit: 2, staleTimeoutSeconds: 7200 });
});
afterEach(() => {
  expect(invariantViolations(f.k)).toEqual([]);
  f.cleanup();
});

function running(opts: { pid?: number; maxRuntime?: number; maxRetries?: number } = {}) {
  const id = f.k.create({ title: "job", assignee: "dev", max_runtime_seconds: opts.maxRuntime, max_retries: opts.maxRetries }).task.id;
  const pid = opts.pid ?? 1234;
  const { run_id } = f.k.claim(id, { workerPid: pid });
  f.proc.states.set(pid, "alive");
  return { id, run_id, pid };
}
const lastRun = (id: string) => f.k.runs(id).at(-1)!;

describe("stale claims", () => {
  it("leaves a claim alone until it expires", () => {
    const { id } = running();
    f.clock.advance(900); // expires == now: not yet expired
    expect(f.k.releaseStaleClaims()).toEqual([]);
    expect(f.k.task(id).status).toBe("running");
  });

  it("extends an expired claim whose local worker is alive and beat within the hour", () => {
    const { id, run_id } = running();
    f.clock.advance(901);
    expect(f.k.releaseStaleClaims()).toEqual([expect.objectContaining({ task_id: id, action: "claim_extended" })]);
    expect(f.k.task(id)).toMatchObject({ status: "running", claim_expires: f.clock.now() + 900 });
    expect(lastRun(id)).toMatchObject({ id: run_id, claim_expires: f.clock.now() + 900 });
    expect(eventKinds(f.k, id).at(-1)).toBe("claim_extended");
  });

  it("reclaims an expired claim when the heartbeat is over an hour old, ending the worker; no failure", () => {
    const { id, pid } = running();
    f.clock.advance(3599);
    f.k.heartbeat(id);
    f.clock.advance(3601);
    expect(f.k.releaseStaleClaims()).toEqual([expect.objectContaining({ task_id: id, action: "reclaimed" })]);
    expect(f.k.task(id)).toMatchObject({ status: "ready", consecutive_failures: 0, claim_lock: null });
    expect(lastRun(id)).toMatchObject({ outcome: "reclaimed", error: "claim expired" });
    expect(f.proc.terminated).toEqual([pid]);
  });

  it("reclaims an expired claim whose worker is gone or remote", () => {
    const { id, pid } = running();
    f.proc.states.set(pid, "gone");
    const remote = running({ pid: 99 }).id;
    f.k.db.prepare("UPDATE tasks SET claim_lock = 'otherhost:99' WHERE id = ?").run(remote);
    f.clock.advance(901);
    expect(f.k.releaseStaleClaims().map((a) => [a.task_id, a.action])).toEqual([[id, "reclaimed"], [remote, "reclaimed"]]);
    expect(f.proc.terminated).toEqual([]);
  });
});

describe("crash detection", () => {
  it("waits for the crash grace when the exit status is unknown", () => {
    const { id, pid } = running();
    f.proc.states.set(pid, "gone");
    f.clock.advance(29);
    expect(f.k.detectCrashedWorkers()).toEqual([]);
    f.clock.advance(1);
    expect(f.k.detectCrashedWorkers()).toEqual([expect.objectContaining({ task_id: id, action: "crashed", pid })]);
    expect(f.k.task(id)).toMatchObject({ status: "ready", consecutive_failures: 1 });
    expect(f.k.task(id).last_failure_error).toMatch(/disappeared/);
    expect(lastRun(id)).toMatchObject({ outcome: "crashed", status: "crashed" });
  });

  it("classifies a known exit at once: signal, code, exit 0 protocol violation, exit 75 rate limited", () => {
    const a = running({ pid: 11 });
    f.proc.exits.set(11, { code: null, signal: "SIGKILL" });
    f.proc.states.set(11, "zombie");
    const b = running({ pid: 12 });
    f.proc.exits.set(12, { code: 3, signal: null });
    f.proc.states.set(12, "gone");
    const c = running({ pid: 13 });
    f.proc.exits.set(13, { code: 0, signal: null });
    f.proc.states.set(13, "gone");
    const d = running({ pid: 14 });
    f.proc.exits.set(14, { code: 75, signal: null });
    f.proc.states.set(14, "gone");
    const actions = f.k.detectCrashedWorkers();
    expect(actions.map((x) => [x.task_id, x.action])).toEqual([
      [a.id, "crashed"], [b.id, "crashed"], [c.id, "protocol_violation"], [d.id, "rate_limited"],
    ]);
    const crashedPayload = (id: string) => JSON.parse((f.k.db.prepare("SELECT payload FROM task_events WHERE task_id = ? AND kind IN ('crashed','protocol_violation','rate_limited')").get(id) as { payload: string }).payload);
    expect(crashedPayload(a.id)).toEqual({ pid: 11, signal: "SIGKILL" });
    expect(crashedPayload(b.id)).toEqual({ pid: 12, exit_code: 3 });
    expect(crashedPayload(c.id)).toEqual({ pid: 13 });
    expect(lastRun(c.id)).toMatchObject({ outcome: "crashed" });
    expect(lastRun(c.id).error).toMatch(/protocol violation/);
    expect(f.k.task(c.id).consecutive_failures).toBe(1);
    expect(lastRun(d.id).outcome).toBe("rate_limited");
    expect(f.k.task(d.id)).toMatchObject({ status: "ready", consecutive_failures: 0 });
    expect(f.k.inRateLimitCooldown(d.id)).toBe(true);
    f.clock.advance(299);
    expect(f.k.inRateLimitCooldown(d.id)).toBe(true);
    f.clock.advance(1);
    expect(f.k.inRateLimitCooldown(d.id)).toBe(false);
  });

  it("a worker that completed before exiting is not touched", () => {
    const { id, run_id, pid } = running();
    f.k.complete(id, { runId: run_id, summary: "ok" });
    f.proc.exits.set(pid, { code: 0, signal: null });
    expect(f.k.workerExited(id, run_id, pid, { code: 0, signal: null })).toBeNull();
    expect(f.k.task(id).status).toBe("done");
  });
});

describe("circuit breaker", () => {
  it("gives up at the configured limit with gave_up and the last error; unblock resets", () => {
    const { id, pid } = running({ pid: 21 });
    f.proc.exits.set(21, { code: 1, signal: null });
    f.proc.states.set(21, "gone");
    f.k.detectCrashedWorkers();
    expect(f.k.task(id)).toMatchObject({ status: "ready", consecutive_failures: 1 });
    const { run_id: r2 } = f.k.claim(id, { workerPid: 22 });
    expect(pid).toBe(21);
    f.k.spawnFailed(id, r2, "spawn ENOENT: no such command");
    expect(f.k.task(id)).toMatchObject({ status: "blocked", consecutive_failures: 2, last_failure_error: "spawn ENOENT: no such command" });
    const gaveUp = f.k.db.prepare("SELECT payload FROM task_events WHERE task_id = ? AND kind = 'gave_up'").get(id) as { payload: string };
    expect(JSON.parse(gaveUp.payload)).toEqual({ failures: 2, limit: 2, error: "spawn ENOENT: no such command", trigger: "spawn_failed" });
    expect(eventKinds(f.k, id)).toContain("spawn_failed");
    f.k.livenessPass();
    expect(f.k.task(id).status).toBe("blocked");
    f.k.unblock(id);
    expect(f.k.task(id)).toMatchObject({ status: "ready", consecutive_failures: 0 });
  });

  it("honours per-task max_retries, and raising it releases a breaker block", () => {
    const { id } = running({ pid: 31, maxRetries: 1 });
    f.proc.exits.set(31, { code: 2, signal: null });
    f.proc.states.set(31, "gone");
    f.k.detectCrashedWorkers();
    expect(f.k.task(id)).toMatchObject({ status: "blocked", consecutive_failures: 1 });
    f.k.edit(id, { max_retries: 3 });
    expect(f.k.task(id).status).toBe("ready");
  });
});

describe("max runtime and stale running", () => {
  it("times out a run at its max runtime from the run's start, counting a failure and ending the tree", () => {
    const { id, pid } = running({ maxRuntime: 60 });
    f.clock.advance(59);
    expect(f.k.enforceMaxRuntime()).toEqual([]);
    f.clock.advance(1);
    expect(f.k.enforceMaxRuntime()).toEqual([expect.objectContaining({ task_id: id, action: "timed_out", pid })]);
    expect(f.proc.terminated).toEqual([pid]);
    expect(f.k.task(id)).toMatchObject({ status: "ready", consecutive_failures: 1 });
    const ev = f.k.db.prepare("SELECT payload FROM task_events WHERE task_id = ? AND kind = 'timed_out'").get(id) as { payload: string };
    expect(JSON.parse(ev.payload)).toEqual({ pid, elapsed_seconds: 60, limit_seconds: 60 });
    // the second run's clock starts at its own claim
    f.clock.advance(1000);
    f.k.claim(id, { workerPid: pid + 1 });
    f.clock.advance(59);
    expect(f.k.enforceMaxRuntime()).toEqual([]);
  });

  it("reclaims a run past the stale timeout with no heartbeat for an hour as `stale`", () => {
    const { id } = running();
    f.k.db.prepare("UPDATE tasks SET claim_expires = claim_expires + 100000 WHERE id = ?").run(id);
    f.clock.advance(7201);
    f.k.heartbeat(id);
    expect(f.k.reclaimStaleRunning()).toEqual([]); // fresh heartbeat
    f.clock.advance(3601);
    expect(f.k.reclaimStaleRunning()).toEqual([expect.objectContaining({ task_id: id, action: "stale" })]);
    expect(lastRun(id).outcome).toBe("stale");
    expect(f.k.task(id)).toMatchObject({ status: "ready", consecutive_failures: 0 });
  });
});

describe("promotion pass", () => {
  it("promotes due scheduled tasks (to todo when a parent is undone) and nothing early", () => {
    const p = f.k.create({ title: "p" }).task.id;
    const s1 = f.k.create({ title: "s1", scheduled_at: f.clock.now() + 10 }).task.id;
    const s2 = f.k.create({ title: "s2", scheduled_at: f.clock.now() + 10, parents: [p], triage: false }).task.id;
    expect(f.k.task(s2).status).toBe("todo"); // parents win over the schedule at create
    f.k.edit(s2, { scheduled_at: f.clock.now() + 10 });
    f.k.db.prepare("UPDATE tasks SET status = 'scheduled' WHERE id = ?").run(s2);
    f.clock.advance(9);
    expect(f.k.promoteAll()).toEqual([]);
    f.clock.advance(1);
    expect(f.k.promoteAll().map((a) => a.task_id)).toEqual([s1]);
    expect(f.k.task(s2).status).toBe("todo");
  });
});
