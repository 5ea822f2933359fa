/**
 * The dispatcher with real worker processes (SPEC §4.2, §6): every test has its own temp
 * KANBAN_HOME and config.yaml whose profiles run the example workers (examples/workers/*) or the
 * test workers (tests/dispatcher/workers/*); the workers report through the real `kanban` CLI.
 * The dispatcher runs in this process (`new Dispatcher(...)`, `start()` or `tick()`) or as
 * `kanban daemon` / `kanban dispatch` subprocesses. Everything is polled with deadlines.
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { readStatus, statusFileFor } from "../server/dispatcher/status";
import { DispatchLock, lockFileFor } from "../server/dispatcher/lock";
import { buildArgv, buildEnv } from "../server/dispatcher/argv";
import type { Task } from "../server/kernel/types";
import { Home, cleanupHomes, waitFor, ex, tw, NODE, isAlive, processesWithEnv } from "./dispatcher/harness";

afterEach(async () => {
  await cleanupHomes();
});

const kinds = (h: Home, id: string) => h.events(id).map((e) => e.kind);

describe("a worker that reports", () => {
  it("heartbeats and completes: done, one completed run with summary and metadata, child promoted and started next", async () => {
    const h = new Home({ profiles: { dev: { command: [NODE, ex("complete.mjs"), "{title}"], env: { WORK_MS: "300" } } } });
    const parent = h.k.create({ title: "parent work", assignee: "dev" }).task.id;
    const child = h.k.create({ title: "child work", assignee: "dev", parents: [parent] }).task.id;
    expect(h.task(child).status).toBe("todo");
    h.dispatcher().start();

    await waitFor(() => h.task(child).status === "done", "the child to be done", 30_000, () => h.diag());
    const p = h.task(parent);
    expect(p.status).toBe("done");
    const [run] = h.runs(parent);
    expect(h.runs(parent)).toHaveLength(1);
    expect(run.outcome).toBe("completed");
    expect(run.summary).toMatch(/^done by worker \d+$/);
    const meta = run.metadata as { pid: number; cwd: string };
    expect(meta.pid).toBe(run.worker_pid);
    expect(meta.cwd).toBe(path.join(h.paths.workspaces, parent));
    // Heartbeats of that run, then completion.
    const evs = h.events(parent);
    const beats = evs.filter((e) => e.kind === "heartbeat");
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats.every((e) => e.run_id === run.id)).toBe(true);
    expect(evs.map((e) => e.kind)).toEqual(expect.arrayContaining(["created", "claimed", "spawned", "heartbeat", "completed"]));
    // The child waited for the parent, was promoted by its completion, then started.
    const cev = h.events(child);
    const completedAt = evs.find((e) => e.kind === "completed")!.id;
    const promoted = cev.find((e) => e.kind === "promoted")!;
    const claimed = cev.find((e) => e.kind === "claimed")!;
    expect(promoted.id).toBeGreaterThan(completedAt);
    expect(claimed.id).toBeGreaterThan(promoted.id);
    expect(h.runs(child)).toHaveLength(1);
    expect(h.runs(child)[0].outcome).toBe("completed");
    expect(h.logText(parent)).toContain("completed");
    expect(h.spawnHeaders(parent)).toEqual([run.id]);
  });
});

describe("failures, retries and the circuit breaker (kanban daemon)", () => {
  it("exit 1 → crashed, retried, gave_up at config failure_limit; a task's max_retries overrides it", async () => {
    const h = new Home({ dispatch: { failure_limit: 3 }, profiles: { crash: { command: [NODE, ex("exit-code.mjs"), "1"] } } });
    const a = h.k.create({ title: "uses the config limit", assignee: "crash" }).task.id;
    const b = h.k.create({ title: "uses its own limit", assignee: "crash", max_retries: 4 }).task.id;
    const d = h.daemon();
    await d.ready();
    await waitFor(() => h.task(a).status === "blocked" && h.task(b).status === "blocked", "both tasks to give up", 40_000, () => h.diag());
    for (const [id, limit] of [[a, 3], [b, 4]] as const) {
      const t = h.task(id);
      const runs = h.runs(id);
      expect(runs.map((r) => r.outcome)).toEqual(Array(limit).fill("crashed"));
      for (const r of runs) expect(r.error).toBe(`worker ${r.worker_pid} exited with code 1`);
      expect(t.consecutive_failures).toBe(limit);
      expect(t.last_failure_error).toMatch(/exited with code 1/);
      const evs = h.events(id);
      expect(evs.filter((e) => e.kind === "crashed").map((e) => e.payload)).toEqual(runs.map((r) => ({ pid: r.worker_pid, exit_code: 1 })));
      const gaveUp = evs.filter((e) => e.kind === "gave_up");
      expect(gaveUp).toHaveLength(1);
      expect(gaveUp[0].payload).toMatchObject({ failures: limit, limit, trigger: "crashed" });
      expect(h.spawnHeaders(id)).toEqual(runs.map((r) => r.id));
    }
    // Given up means given up: later ticks start nothing.
    const ticks = readStatus(h.paths.db)!.ticks;
    await waitFor(() => readStatus(h.paths.db)!.ticks >= ticks + 4, "four more daemon ticks", 20_000, () => h.diag());
    expect(h.runs(a)).toHaveLength(3);
    expect(h.runs(b)).toHaveLength(4);
  });

  it("exit 0 without completing is a protocol violation; exit 75 is rate limited: no failure, not respawned in the cooldown", async () => {
    const h = new Home({
      profiles: { quitter: { command: [NODE, ex("exit-code.mjs"), "0"] }, limited: { command: [NODE, ex("exit-code.mjs"), "75"] } },
    });
    const q = h.k.create({ title: "quits", assignee: "quitter", max_retries: 2 }).task.id;
    const r = h.k.create({ title: "rate limited", assignee: "limited" }).task.id;
    const d = h.daemon();
    await d.ready();
    await waitFor(() => h.task(q).status === "blocked" && h.runs(r).some((x) => x.outcome === "rate_limited"), "the protocol violations and the rate limit", 30_000, () => h.diag());

    const qr = h.runs(q);
    expect(qr.map((x) => x.outcome)).toEqual(["crashed", "crashed"]);
    for (const x of qr) expect(x.error).toBe(`protocol violation: worker ${x.worker_pid} exited 0 without completing or blocking the task`);
    expect(h.events(q).filter((e) => e.kind === "protocol_violation").map((e) => e.payload)).toEqual(qr.map((x) => ({ pid: x.worker_pid })));
    expect(kinds(h, q)).toContain("gave_up");

    // Rate limited: requeued, nothing counted, and left alone across several ticks.
    const ticks = readStatus(h.paths.db)!.ticks;
    await waitFor(() => readStatus(h.paths.db)!.ticks >= ticks + 6, "six more daemon ticks", 20_000, () => h.diag());
    const t = h.task(r);
    expect(t.status).toBe("ready");
    expect(t.consecutive_failures).toBe(0);
    const rr = h.runs(r);
    expect(rr).toHaveLength(1);
    expect(rr[0].outcome).toBe("rate_limited");
    expect(h.events(r).find((e) => e.kind === "rate_limited")?.payload).toMatchObject({ pid: rr[0].worker_pid });
    expect(kinds(h, r)).not.toContain("crashed");
    expect(h.spawnHeaders(r)).toHaveLength(1);
    // And a one-shot tick says why.
    const dry = h.cli(["dispatch", "--dry-run", "--json"]);
    expect(dry.code).toBe(0);
    const rep = JSON.parse(dry.stdout);
    expect(rep.decisions.find((x: { task_id: string }) => x.task_id === r)).toMatchObject({ decision: "skip", reason: expect.stringMatching(/rate limited/) });
  });
});

describe("liveness of worker processes", () => {
  it("a worker sleeping past max_runtime_seconds: its whole tree is ended and the run timed_out", async () => {
    // The grandchild ignores SIGTERM: only the SIGKILL 5 s later ends it.
    const h = new Home({ profiles: { sleeper: { command: [NODE, tw("tree.mjs")], env: { PIDS_FILE: "<home>/pids", STUBBORN_GRANDCHILD: "1" } } } });
    const id = h.k.create({ title: "sleeps too long", assignee: "sleeper", max_runtime_seconds: 2, max_retries: 1 }).task.id;
    h.dispatcher().start();
    const [worker, grandchild] = await h.pids("pids", 2);
    expect(isAlive(worker) && isAlive(grandchild)).toBe(true);
    await waitFor(() => h.task(id).status === "blocked", "the timeout", 20_000, () => h.diag());
    const [run] = h.runs(id);
    expect(run.outcome).toBe("timed_out");
    expect(run.worker_pid).toBe(worker);
    expect(run.error).toMatch(/^timed out after \d+s \(limit 2s\)$/);
    const ev = h.events(id).find((e) => e.kind === "timed_out")!;
    expect(ev.payload).toMatchObject({ pid: worker, limit_seconds: 2 });
    expect(ev.payload!.elapsed_seconds as number).toBeGreaterThanOrEqual(2);
    expect(h.events(id).find((e) => e.kind === "gave_up")?.payload).toMatchObject({ trigger: "timed_out" });
    const t0 = Date.now();
    await waitFor(() => !isAlive(worker) && !isAlive(grandchild), "the worker tree to end", 12_000, () => `alive: ${[worker, grandchild].filter(isAlive)}`);
    expect(Date.now() - t0).toBeLessThan(9_000);
    expect(processesWithEnv(`KANBAN_DB=${h.paths.db}`)).toEqual([]);
  });

  /** Reclaims a running tree and checks that none of its processes survive (SIGTERM, SIGKILL after 5 s). */
  async function reclaimTree(o: { env: Record<string, string>; viaCli: boolean; daemon: boolean; command?: string[] }) {
    const h = new Home({ profiles: { tree: { command: o.command ?? [NODE, tw("tree.mjs")], env: { PIDS_FILE: "<home>/pids", ...o.env } } } });
    const id = h.k.create({ title: "a worker with a grandchild", assignee: "tree" }).task.id;
    if (o.daemon) await h.daemon().ready();
    else h.dispatcher().start();
    const [worker, grandchild] = await h.pids("pids", 2);
    await waitFor(() => h.task(id).worker_pid === worker, "the spawn to be recorded", 10_000, () => h.diag());
    const runId = h.task(id).current_run_id!;
    if (o.viaCli) {
      const r = h.cli(["reclaim", id, "--reason", "test reclaim"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`reclaimed ${id} (signalled worker ${worker}) → ready\n`);
    } else {
      expect(h.k.reclaim(id, "test reclaim").signalled_pid).toBe(worker);
    }
    const t0 = Date.now();
    const run = h.runs(id).find((x) => x.id === runId)!;
    expect(run.outcome).toBe("reclaimed");
    expect(run.error).toBe("test reclaim");
    await waitFor(() => !isAlive(worker) && !isAlive(grandchild), "no process of the reclaimed tree to survive", 12_000,
      () => `still alive after ${Date.now() - t0} ms: ${[worker, grandchild].filter(isAlive).join(", ")}\n${h.diag()}`);
    expect(Date.now() - t0).toBeLessThan(9_000);
    return { h, id };
  }

  it("reclaim (in the dispatcher's process) ends a worker and its grandchild", async () => {
    const { h, id } = await reclaimTree({ env: {}, viaCli: false, daemon: false, command: [NODE, ex("sleep.mjs"), "--grandchild"] });
    // The task went back to ready and was started again: a fresh run, a fresh tree.
    await waitFor(() => h.runs(id).length === 2 && h.task(id).status === "running", "the respawn", 20_000, () => h.diag());
  });

  it("reclaim ends a grandchild that ignores SIGTERM (SIGKILL after the grace)", async () => {
    await reclaimTree({ env: { STUBBORN_GRANDCHILD: "1" }, viaCli: false, daemon: false });
  });

  it("`kanban reclaim` from another process ends a daemon's worker tree, even one that ignores SIGTERM", async () => {
    await reclaimTree({ env: { STUBBORN_WORKER: "1", STUBBORN_GRANDCHILD: "1" }, viaCli: true, daemon: true });
  });

  it("`kanban reclaim` ends a well-behaved tree at once", async () => {
    await reclaimTree({ env: {}, viaCli: true, daemon: true });
  });

  for (const supervise of [true, false]) {
    it(`SIGKILL of a worker is detected within crash grace + one tick (${supervise ? "supervised child" : "pid polling only"})`, async () => {
      const h = new Home({ dispatch: { crash_grace_seconds: 1 }, profiles: { sleeper: { command: [NODE, ex("sleep.mjs")], env: { PIDS_FILE: "<home>/pids" } } } });
      const id = h.k.create({ title: "killed", assignee: "sleeper", max_retries: 1 }).task.id;
      h.dispatcher({ supervise }).start();
      const [pid] = await h.pids("pids", 1);
      await waitFor(() => h.task(id).worker_pid === pid, "the spawn to be recorded", 10_000, () => h.diag());
      // Past the grace (counted in whole seconds from the run's start), so detection is bounded
      // by one tick rather than by the grace itself.
      const started = h.runs(id)[0].started_at;
      await waitFor(() => supervise || Math.floor(Date.now() / 1000) - started >= 1, "the crash grace to pass", 5_000);
      const t0 = Date.now();
      process.kill(pid, "SIGKILL");
      await waitFor(() => h.task(id).status !== "running", "the crash to be detected", 10_000, () => h.diag());
      const took = Date.now() - t0;
      // crash grace 1 s + interval 0.2 s, plus slack for a loaded machine.
      expect(took).toBeLessThan(supervise ? 2_000 : 4_000);
      const [run] = h.runs(id);
      expect(run.outcome).toBe("crashed");
      expect(h.task(id).status).toBe("blocked");
      if (supervise) {
        expect(run.error).toBe(`worker ${pid} was killed by SIGKILL`);
        expect(h.events(id).find((e) => e.kind === "crashed")?.payload).toEqual({ pid, signal: "SIGKILL" });
      } else {
        // Nobody here reaped it with a status: the pid is simply gone (or a zombie with its status).
        expect(run.error).toMatch(new RegExp(`^worker ${pid} (disappeared|was killed by SIGKILL)`));
      }
    });
  }

  it("SIGTERM stops a `kanban daemon` at once; its workers run on and a restarted daemon still tracks them", async () => {
    const h = new Home({
      profiles: {
        slow: { command: [NODE, ex("complete.mjs"), "{title}"], env: { WORK_MS: "2500" } },
        sleeper: { command: [NODE, ex("sleep.mjs")], env: { PIDS_FILE: "<home>/pids" } },
      },
    });
    const lives = h.k.create({ title: "finishes after the daemon stopped", assignee: "slow" }).task.id;
    const dies = h.k.create({ title: "crashes after the daemon stopped", assignee: "sleeper", max_retries: 1 }).task.id;
    const d1 = h.daemon();
    await d1.ready();
    const [pid] = await h.pids("pids", 1);
    await waitFor(() => h.task(lives).worker_pid != null && h.task(dies).worker_pid === pid, "both spawns to be recorded", 10_000, () => h.diag());
    const worker = h.task(lives).worker_pid!;
    const t0 = Date.now();
    await d1.kill("SIGTERM");
    expect(d1.exit, d1.diag()).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(d1.stdout).toContain("kanban daemon: stopped (running workers keep running)");
    expect(isAlive(worker) && isAlive(pid)).toBe(true);
    await waitFor(() => h.task(lives).status === "done", "the worker to finish on its own", 20_000, () => h.diag());
    process.kill(pid, "SIGKILL");
    const d2 = h.daemon();
    await d2.ready();
    await waitFor(() => h.task(dies).status !== "running", "the restarted daemon to notice the dead worker", 15_000, () => h.diag());
    expect(h.runs(dies).map((r) => r.outcome)).toEqual(["crashed"]);
    expect(h.runs(lives).map((r) => r.outcome)).toEqual(["completed"]);
  });

  it("SIGKILL of the server (a `kanban daemon`) mid-run: after restart no run is left running", async () => {
    const h = new Home({
      profiles: {
        sleeper: { command: [NODE, ex("sleep.mjs")], env: { PIDS_FILE: "<home>/pids" } },
        slow: { command: [NODE, ex("complete.mjs"), "{title}"], env: { WORK_MS: "2500" } },
      },
    });
    const dies = h.k.create({ title: "its worker dies while the server is down", assignee: "sleeper", max_retries: 1 }).task.id;
    const lives = h.k.create({ title: "its worker finishes while the server is down", assignee: "slow" }).task.id;
    const d1 = h.daemon();
    await d1.ready();
    const [pid] = await h.pids("pids", 1);
    await waitFor(() => h.task(dies).worker_pid === pid && h.task(lives).worker_pid != null, "both spawns to be recorded", 10_000, () => h.diag());
    const survivor = h.task(lives).worker_pid!;
    await d1.kill("SIGKILL");
    expect(d1.exit?.signal).toBe("SIGKILL");
    // The workers are in their own process groups: the server's death does not take them along.
    expect(isAlive(pid) && isAlive(survivor)).toBe(true);
    process.kill(-pid, "SIGKILL"); // one dies during the outage (an orphan now: PID 1 reaps it, slowly)
    await waitFor(() => h.task(lives).status === "done", "the other to complete on its own", 20_000, () => h.diag());
    expect(h.task(dies).status).toBe("running"); // nobody noticed yet

    const d2 = h.daemon();
    await d2.ready();
    await waitFor(() => h.task(dies).status !== "running", "the restarted daemon to resolve the orphaned run", 15_000, () => h.diag());
    const [run] = h.runs(dies);
    expect(run.outcome).toBe("crashed");
    expect(run.error).toMatch(new RegExp(`^worker ${pid} (disappeared|was killed by SIGKILL)`));
    expect(h.task(dies).status).toBe("blocked");
    expect(h.runs(lives).map((r) => r.outcome)).toEqual(["completed"]);
    expect(h.k.db.prepare("SELECT COUNT(*) AS n FROM task_runs WHERE ended_at IS NULL").get()).toEqual({ n: 0 });
  });
});


describe("two dispatchers on one database", () => {
  it("two `kanban daemon` processes never start a task twice", async () => {
    // A cap keeps both daemons racing for every freed slot, not just for the first burst.
    const h = new Home({ profiles: { dev: { command: [NODE, ex("complete.mjs"), "{title}"], max_in_progress: 2, env: { WORK_MS: "100" } } } });
    const [d1, d2] = [h.daemon(), h.daemon()];
    await Promise.all([d1.ready(), d2.ready()]);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(h.k.create({ title: `task ${i}`, assignee: "dev" }).task.id);
    await waitFor(() => ids.every((id) => h.task(id).status === "done"), "all ten to be done", 45_000, () => h.diag());
    for (const id of ids) {
      const runs = h.runs(id);
      expect(runs.map((r) => r.outcome), id).toEqual(["completed"]);
      expect(h.spawnHeaders(id), id).toEqual([runs[0].id]);
      expect(h.events(id).filter((e) => e.kind === "spawned"), id).toHaveLength(1);
    }
    // Every claim came from one of the two daemons (lock `<host>:<pid>:dispatch`), both still up.
    const claimers = new Set(ids.map((id) => Number(String(h.events(id).find((e) => e.kind === "claimed")!.payload!.lock).split(":")[1])));
    for (const pid of claimers) expect([d1.pid, d2.pid]).toContain(pid);
    expect(d1.exit).toBeNull();
    expect(d2.exit).toBeNull();
  });
});

describe("workspaces", () => {
  function gitRepo(h: Home): string {
    const repo = path.join(h.dir, "repo");
    fs.mkdirSync(repo);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });
    git("init", "-q", "-b", "main");
    fs.writeFileSync(path.join(repo, "README.md"), "hello\n");
    git("add", "README.md");
    git("commit", "-q", "-m", "initial");
    return repo;
  }

  it("worktree tasks run in a real git worktree on wt/<id> or branch_name; a retry reuses it", async () => {
    const h = new Home({ profiles: { git: { command: [NODE, tw("flaky.mjs"), "<home>/attempts-{task_id}.jsonl"], env: { FAIL_TIMES: "1" } } } });
    const repo = gitRepo(h);
    const a = h.k.create({ title: "default branch", assignee: "git", workspace_kind: "worktree", workspace_path: repo }).task.id;
    const b = h.k.create({ title: "named branch", assignee: "git", workspace_kind: "worktree", workspace_path: repo, branch_name: "feature/x" }).task.id;
    h.dispatcher().start();
    await waitFor(() => h.task(a).status === "done" && h.task(b).status === "done", "both worktree tasks to be done", 30_000, () => h.diag());
    for (const [id, branch] of [[a, `wt/${a}`], [b, "feature/x"]]) {
      const dir = path.join(h.paths.workspaces, id);
      const attempts = fs.readFileSync(path.join(h.dir, `attempts-${id}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      // Run 1 crashed, run 2 (the retry) completed, both in the same worktree on the same branch.
      expect(h.runs(id).map((r) => r.outcome)).toEqual(["crashed", "completed"]);
      expect(attempts.map((x) => x.run)).toEqual(h.runs(id).map((r) => r.id));
      for (const x of attempts) expect(x).toMatchObject({ cwd: dir, branch });
      expect(fs.readFileSync(path.join(dir, "work.txt"), "utf8")).toMatch(/^written by run \d+/);
      const list = execFileSync("git", ["-C", repo, "worktree", "list", "--porcelain"], { encoding: "utf8" });
      expect(list).toContain(`worktree ${dir}\n`);
      expect(list).toContain(`branch refs/heads/${branch}\n`);
      expect(h.runs(id)[1].summary).toBe(`attempt 2 on ${branch}`);
    }
    // The main checkout was left alone.
    expect(fs.existsSync(path.join(repo, "work.txt"))).toBe(false);
    expect(execFileSync("git", ["-C", repo, "rev-parse", "--abbrev-ref", "HEAD"], { encoding: "utf8" }).trim()).toBe("main");
  });

  it("a scratch workspace that is a symlink out of the root is refused: spawn_failed, nothing outside touched", async () => {
    const h = new Home({ profiles: { dev: { command: [NODE, ex("record-argv.mjs")], env: { ARGV_FILE: "<home>/argv.jsonl" } } } });
    const outside = path.join(h.dir, "outside");
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, "keep.txt"), "keep");
    const id = h.k.create({ title: "escape attempt", assignee: "dev", max_retries: 1 }).task.id;
    fs.mkdirSync(h.paths.workspaces, { recursive: true });
    fs.symlinkSync(outside, path.join(h.paths.workspaces, id));
    const d = h.dispatcher();
    const [r] = await h.tickUntil(d, (x) => x.failed.length > 0, "the spawn failure");
    expect(r.failed[0]).toMatchObject({ task_id: id, error: expect.stringMatching(/symlink/) });
    const [run] = h.runs(id);
    expect(run.outcome).toBe("spawn_failed");
    expect(run.error).toMatch(/^workspace: .*is a symlink; refusing to follow it out of the managed root/);
    expect(h.events(id).find((e) => e.kind === "spawn_failed")?.payload).toMatchObject({ error: run.error, failures: 1 });
    expect(h.task(id).status).toBe("blocked");
    expect(fs.readdirSync(outside)).toEqual(["keep.txt"]);
    expect(fs.existsSync(path.join(h.dir, "argv.jsonl"))).toBe(false); // no worker ran
    expect(fs.lstatSync(path.join(h.paths.workspaces, id)).isSymbolicLink()).toBe(true);
  });

  it("a task id that would traverse out of the root (an adopted row) is refused before anything is created", async () => {
    const h = new Home({ profiles: { dev: { command: [NODE, ex("record-argv.mjs")], env: { ARGV_FILE: "<home>/argv.jsonl" } } } });
    // Kernel-made ids are t_<hex>; a foreign file could hold anything.
    const id = h.k.create({ title: "traversal", assignee: "dev", max_retries: 1 }).task.id;
    const evil = "../../evil";
    h.k.db.prepare("UPDATE tasks SET id = ? WHERE id = ?").run(evil, id);
    h.k.db.prepare("UPDATE task_events SET task_id = ? WHERE task_id = ?").run(evil, id);
    const d = h.dispatcher();
    const [r] = await h.tickUntil(d, (x) => x.failed.length > 0, "the spawn failure");
    expect(r.failed[0]).toMatchObject({ task_id: evil, error: expect.stringMatching(/^workspace: not a task id/) });
    expect(h.runs(evil).map((x) => x.outcome)).toEqual(["spawn_failed"]);
    expect(fs.existsSync(path.join(h.paths.workspaces, evil))).toBe(false);
    expect(fs.existsSync(path.resolve(h.paths.workspaces, evil))).toBe(false);
    expect(fs.existsSync(path.join(h.dir, "argv.jsonl"))).toBe(false);
  });

  it("an archived task's scratch workspace is removed at the next tick; a symlink there is unlinked, never followed", () => {
    const h = new Home({ profiles: {} });
    const outside = path.join(h.dir, "outside");
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, "keep.txt"), "keep");
    const plain = h.k.create({ title: "plain" }).task.id;
    const linked = h.k.create({ title: "linked" }).task.id;
    const alive = h.k.create({ title: "still open" }).task.id;
    for (const id of [plain, alive]) {
      fs.mkdirSync(path.join(h.paths.workspaces, id), { recursive: true });
      fs.writeFileSync(path.join(h.paths.workspaces, id, "notes.txt"), "x");
    }
    fs.symlinkSync(outside, path.join(h.paths.workspaces, linked));
    h.k.archive(plain);
    h.k.archive(linked);
    h.dispatcher().tick();
    expect(fs.existsSync(path.join(h.paths.workspaces, plain))).toBe(false);
    expect(fs.existsSync(path.join(h.paths.workspaces, linked))).toBe(false);
    expect(fs.readdirSync(outside)).toEqual(["keep.txt"]);
    expect(fs.readdirSync(path.join(h.paths.workspaces, alive))).toEqual(["notes.txt"]);
  });

  it("dir: and worktree: paths with `..` (or relative) are validation errors at create", () => {
    const h = new Home({ profiles: {} });
    expect(() => h.k.create({ title: "x", workspace_kind: "dir", workspace_path: `${h.dir}/a/../../etc` })).toThrow(/may not contain "\.\."/);
    expect(() => h.k.create({ title: "x", workspace_kind: "worktree", workspace_path: `${h.dir}/../repo` })).toThrow(/may not contain "\.\."/);
    expect(() => h.k.create({ title: "x", workspace_kind: "dir", workspace_path: "relative/dir" })).toThrow(/must be absolute/);
    const r = h.cli(["create", "x", "--workspace", `dir:${h.dir}/a/../b`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/may not contain "\.\."/);
    expect(h.k.list({})).toEqual([]);
  });
});

describe("worker command line and environment", () => {
  it("a hostile title reaches the worker as one literal argv element; nothing runs it through a shell", async () => {
    const title = "$(touch pwned); --help `touch pwned2` && touch pwned3 | cat > pwned4";
    const h = new Home({ profiles: { rec: { command: [NODE, ex("record-argv.mjs"), "{title}", "--id={task_id}"], env: { ARGV_FILE: "<home>/argv.jsonl" } } } });
    const id = h.k.create({ title, assignee: "rec" }).task.id;
    h.dispatcher().start();
    await waitFor(() => h.task(id).status === "done", "the worker to complete", 20_000, () => h.diag());
    const [rec] = fs.readFileSync(path.join(h.dir, "argv.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(rec.argv).toEqual([title, `--id=${id}`]);
    const ws = path.join(h.paths.workspaces, id);
    expect(rec.cwd).toBe(ws);
    const found = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? found(path.join(dir, e.name)) : /pwned/.test(e.name) ? [path.join(dir, e.name)] : []);
    expect(found(h.dir)).toEqual([]);
    for (const d of [process.cwd(), ws]) for (const n of ["pwned", "pwned2", "pwned3", "pwned4"]) expect(fs.existsSync(path.join(d, n))).toBe(false);
    expect(h.spawnHeaders(id)).toHaveLength(1);
    expect(h.logText(id)).toContain(JSON.stringify([NODE, ex("record-argv.mjs"), title, `--id=${id}`]));
  });

  it("worker env: KANBAN_TASK, RUN_ID, CLAIM_LOCK, WORKSPACE, DB, TENANT, PROFILE and the profile's env; cwd = workspace", async () => {
    const h = new Home({ profiles: { "rec.er": { command: [NODE, ex("record-argv.mjs"), "{profile}", "{workspace}", "{prompt}", "{skills}"], skills: ["kanban-worker"], env: { ARGV_FILE: "<home>/argv.jsonl", KANBAN_EXTRA: "from profile", KANBAN_TASK: "must not win" } } } });
    const id = h.k.create({ title: "env", assignee: "rec.er", tenant: "acme", skills: ["extra-skill"] }).task.id;
    h.dispatcher().start();
    await waitFor(() => h.task(id).status === "done", "the worker to complete", 20_000, () => h.diag());
    const [rec] = fs.readFileSync(path.join(h.dir, "argv.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const [run] = h.runs(id);
    const ws = path.join(h.paths.workspaces, id);
    const claimed = h.events(id).find((e) => e.kind === "claimed")!;
    expect(rec.cwd).toBe(ws);
    expect(rec.argv).toEqual(["rec.er", ws, `work kanban task ${id}`, "--skills", "kanban-worker", "--skills", "extra-skill"]);
    expect(rec.env).toMatchObject({
      KANBAN_TASK: id,
      KANBAN_RUN_ID: String(run.id),
      KANBAN_CLAIM_LOCK: claimed.payload!.lock,
      KANBAN_WORKSPACE: ws,
      KANBAN_DB: h.paths.db,
      KANBAN_TENANT: "acme",
      KANBAN_PROFILE: "rec.er",
      KANBAN_EXTRA: "from profile",
    });
    expect(String(claimed.payload!.lock)).toMatch(new RegExp(`:${process.pid}:dispatch$`));
    expect(Object.keys(rec.env).filter((k) => k.startsWith("HERMES_"))).toEqual([]);
    expect(rec.pid).toBe(run.worker_pid);
  });

  it("a hermes profile: argv `hermes -p <name> [--skills s]... chat -q \"work kanban task <id>\"` and HERMES_* twins", () => {
    const task = { id: "t_0000abcd", title: "t", tenant: "acme", skills: ["from-task"] } as unknown as Task;
    const ctx = { task, profileName: "researcher", profile: { hermes: true, skills: ["kanban-worker"] }, runId: 7, lock: "host:1:dispatch", workspace: "/ws/t_0000abcd", dbFile: "/db/kanban.db" };
    expect(buildArgv(ctx)).toEqual(["hermes", "-p", "researcher", "--skills", "kanban-worker", "--skills", "from-task", "chat", "-q", "work kanban task t_0000abcd"]);
    const env = buildEnv(ctx, { PATH: "/usr/bin", KANBAN_TASK: "stale" } as unknown as NodeJS.ProcessEnv);
    const want = { TASK: "t_0000abcd", RUN_ID: "7", CLAIM_LOCK: "host:1:dispatch", WORKSPACE: "/ws/t_0000abcd", DB: "/db/kanban.db", TENANT: "acme", PROFILE: "researcher" };
    for (const [k, v] of Object.entries(want)) {
      expect(env[`KANBAN_${k}`], k).toBe(v);
      expect(env[`HERMES_KANBAN_${k}`], k).toBe(v);
    }
    expect(env.HERMES_TENANT).toBe("acme");
    expect(env.HERMES_PROFILE).toBe("researcher");
    expect(env.PATH).toBe("/usr/bin");
    // No skills, no tenant: no flags, empty tenant.
    const bare = { ...ctx, task: { ...task, skills: [], tenant: null } as unknown as Task, profile: { hermes: true } };
    expect(buildArgv(bare)).toEqual(["hermes", "-p", "researcher", "chat", "-q", "work kanban task t_0000abcd"]);
    expect(buildEnv(bare, {} as NodeJS.ProcessEnv).HERMES_TENANT).toBe("");
  });

  it("a profile whose command does not exist: spawn_failed with \"command not found\", and the breaker applies", async () => {
    const h = new Home({ dispatch: { failure_limit: 2 }, profiles: { ghost: { command: ["no-such-worker-binary-xyz", "{title}"] } } });
    const id = h.k.create({ title: "never starts", assignee: "ghost" }).task.id;
    h.dispatcher().start();
    await waitFor(() => h.task(id).status === "blocked", "the breaker to trip", 20_000, () => h.diag());
    const runs = h.runs(id);
    expect(runs.map((r) => r.outcome)).toEqual(["spawn_failed", "spawn_failed"]);
    for (const r of runs) expect(r.error).toBe("command not found on PATH: no-such-worker-binary-xyz");
    expect(h.events(id).filter((e) => e.kind === "spawn_failed").map((e) => e.payload!.failures)).toEqual([1, 2]);
    expect(h.events(id).find((e) => e.kind === "gave_up")?.payload).toMatchObject({ failures: 2, limit: 2, trigger: "spawn_failed", error: runs[1].error });
    expect(h.task(id).last_failure_error).toBe(runs[1].error);
    expect(h.logLines.some((l) => l.includes("command not found"))).toBe(true);
  });
});

describe("caps, lanes and assignment", () => {
  /** Largest number of spans [start, end] that overlap at one instant. */
  function maxOverlap(spans: { start: number; end: number }[]): number {
    const points = spans.flatMap((s) => [[s.start, 1], [s.end, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let cur = 0;
    let max = 0;
    for (const [, d] of points) max = Math.max(max, (cur += d));
    return max;
  }

  it("12 ready tasks, profile max_in_progress 3: never more than 3 alive at once, all done, no double runs", async () => {
    const h = new Home({ profiles: { dev: { command: [NODE, tw("span.mjs")], max_in_progress: 3, env: { SPANS_DIR: "<home>/spans", WORK_MS: "500" } } } });
    const ids = Array.from({ length: 12 }, (_, i) => h.k.create({ title: `job ${i}`, assignee: "dev" }).task.id);
    h.dispatcher().start();
    const aliveDir = path.join(h.dir, "spans", "alive");
    let maxRunning = 0;
    let maxAlive = 0;
    await waitFor(() => {
      maxRunning = Math.max(maxRunning, h.runningCount("dev"));
      maxAlive = Math.max(maxAlive, fs.existsSync(aliveDir) ? fs.readdirSync(aliveDir).length : 0);
      return ids.every((id) => h.task(id).status === "done");
    }, "all 12 to be done", 60_000, () => h.diag());
    const spans = fs.readFileSync(path.join(h.dir, "spans", "spans.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(spans).toHaveLength(12);
    expect(new Set(spans.map((s) => s.task))).toEqual(new Set(ids));
    expect(maxOverlap(spans)).toBeLessThanOrEqual(3);
    expect(maxOverlap(spans)).toBeGreaterThanOrEqual(2); // it did run in parallel
    expect(maxRunning).toBeLessThanOrEqual(3);
    expect(maxRunning).toBeGreaterThanOrEqual(2);
    expect(maxAlive).toBeLessThanOrEqual(3);
    for (const id of ids) {
      expect(h.runs(id).map((r) => r.outcome), id).toEqual(["completed"]);
      expect(h.spawnHeaders(id), id).toHaveLength(1);
    }
  });

  it("board-wide dispatch.max_in_progress and dispatch.max_in_progress_per_profile", async () => {
    const h = new Home({
      dispatch: { max_in_progress: 3, max_in_progress_per_profile: 2 },
      profiles: {
        a: { command: [NODE, tw("span.mjs")], env: { SPANS_DIR: "<home>/spans-a", WORK_MS: "400" } },
        b: { command: [NODE, tw("span.mjs")], env: { SPANS_DIR: "<home>/spans-b", WORK_MS: "400" } },
      },
    });
    const ids = Array.from({ length: 8 }, (_, i) => h.k.create({ title: `job ${i}`, assignee: i % 2 ? "a" : "b" }).task.id);
    h.dispatcher().start();
    let max = { all: 0, a: 0, b: 0 };
    await waitFor(() => {
      max = { all: Math.max(max.all, h.runningCount()), a: Math.max(max.a, h.runningCount("a")), b: Math.max(max.b, h.runningCount("b")) };
      return ids.every((id) => h.task(id).status === "done");
    }, "all 8 to be done", 60_000, () => h.diag());
    const spans = (p: string) => fs.readFileSync(path.join(h.dir, `spans-${p}`, "spans.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const [sa, sb] = [spans("a"), spans("b")];
    expect(maxOverlap([...sa, ...sb])).toBeLessThanOrEqual(3);
    expect(maxOverlap(sa)).toBeLessThanOrEqual(2);
    expect(maxOverlap(sb)).toBeLessThanOrEqual(2);
    expect(max.all).toBeLessThanOrEqual(3);
    expect(max.a).toBeLessThanOrEqual(2);
    expect(max.b).toBeLessThanOrEqual(2);
    for (const id of ids) expect(h.runs(id), id).toHaveLength(1);
  });

  it("lanes (assignees that are not profiles) are never spawned; default_assignee applies to unassigned tasks", async () => {
    const h = new Home({ dispatch: { default_assignee: "dev" }, profiles: { dev: { command: [NODE, ex("complete.mjs"), "{title}"], env: { WORK_MS: "50" } } } });
    const lane = h.k.create({ title: "for a human", assignee: "human-review" }).task.id;
    const unassigned = h.k.create({ title: "nobody's" }).task.id;
    const d = h.dispatcher();
    const reports = await h.tickUntil(d, (r, all) => all.length >= 6 && h.task(unassigned).status === "done", "the unassigned task to be done and six ticks");
    expect(h.task(unassigned).assignee).toBe("dev");
    expect(h.runs(unassigned).map((r) => r.outcome)).toEqual(["completed"]);
    expect(h.events(unassigned).find((e) => e.kind === "assigned")?.payload).toEqual({ assignee: "dev" });
    expect(h.task(lane).status).toBe("ready");
    expect(h.runs(lane)).toEqual([]);
    for (const r of reports) {
      expect(r.decisions.find((x) => x.task_id === lane)).toMatchObject({ decision: "skip", reason: expect.stringMatching(/"human-review" is not a configured profile/) });
      expect(r.spawned.map((s) => s.task_id)).not.toContain(lane);
    }
    // Without a default assignee an unassigned task is left alone too.
    const h2 = new Home({ profiles: { dev: { command: [NODE, ex("complete.mjs")] } } });
    const u2 = h2.k.create({ title: "nobody's" }).task.id;
    const d2 = h2.dispatcher();
    for (let i = 0; i < 3; i++) {
      const r = d2.tick();
      expect(r.decisions).toEqual([expect.objectContaining({ task_id: u2, decision: "skip", reason: expect.stringMatching(/^unassigned/) })]);
      expect(r.startable).toBe(0);
    }
    expect(h2.runs(u2)).toEqual([]);
    expect(h2.task(u2).assignee).toBeNull();
  });
});

describe("one-shot ticks, the dispatch lock and stuck telemetry", () => {
  const snapshot = (h: Home) => JSON.stringify(["tasks", "task_runs", "task_events", "task_links"].map((t) => h.k.db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()));

  it("`kanban dispatch --dry-run --json` explains each ready task's decision and changes nothing", () => {
    const h = new Home({ dispatch: { max_in_progress: 5 }, profiles: { dev: { command: [NODE, ex("complete.mjs")], max_in_progress: 1 }, other: { command: [NODE, ex("complete.mjs")] } } });
    const first = h.k.create({ title: "first", assignee: "dev", priority: 5 }).task.id;
    const second = h.k.create({ title: "second", assignee: "dev" }).task.id;
    const lane = h.k.create({ title: "lane", assignee: "ops" }).task.id;
    const nobody = h.k.create({ title: "nobody" }).task.id;
    const other = h.k.create({ title: "other", assignee: "other" }).task.id;
    const todo = h.k.create({ title: "waits", assignee: "dev", parents: [first] }).task.id;
    const before = snapshot(h);
    const r = h.cli(["dispatch", "--dry-run", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep).toMatchObject({ skipped: false, dry_run: true, liveness: [], failed: [] });
    const by = Object.fromEntries(rep.decisions.map((x: { task_id: string }) => [x.task_id, x]));
    // Priority first (same-second creations tie-break on the random id); the todo task is not listed.
    const order = rep.decisions.map((x: { task_id: string }) => x.task_id);
    expect(order[0]).toBe(first);
    expect([...order].sort()).toEqual([first, second, lane, nobody, other].sort());
    expect(by[first]).toMatchObject({ decision: "spawn", reason: expect.stringMatching(/^dev has a free slot/) });
    expect(by[second]).toMatchObject({ decision: "skip", reason: "profile cap reached (1/1 running for dev)" });
    expect(by[lane]).toMatchObject({ decision: "skip", reason: expect.stringMatching(/"ops" is not a configured profile/) });
    expect(by[nobody]).toMatchObject({ decision: "skip", reason: expect.stringMatching(/^unassigned/) });
    expect(by[other]).toMatchObject({ decision: "spawn" });
    expect(by[todo]).toBeUndefined();
    expect(rep.spawned).toEqual([]); // a dry run starts nothing
    expect([...rep.would_start].sort()).toEqual([first, other].sort());
    // Nothing changed: no rows, no workspaces, no logs, no telemetry.
    expect(snapshot(h)).toBe(before);
    expect(fs.existsSync(h.paths.workspaces)).toBe(false);
    expect(fs.existsSync(h.paths.logs)).toBe(false);
    expect(fs.existsSync(statusFileFor(h.paths.db))).toBe(false);
    // The human-readable form says the same.
    const text = h.cli(["dispatch", "--dry-run"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`would start ${first} dev: dev has a free slot`);
    expect(text.stdout).toContain(`skip ${second} dev: profile cap reached (1/1 running for dev)`);
    expect(snapshot(h)).toBe(before);
  });

  it("a second dispatcher while the lock is held skips the tick and says so; after release one tick starts the worker", async () => {
    const h = new Home({ profiles: { dev: { command: [NODE, ex("complete.mjs"), "{title}"], env: { WORK_MS: "50" } } } });
    const id = h.k.create({ title: "waits for the lock", assignee: "dev" }).task.id;
    const held = new DispatchLock(lockFileFor(h.paths.db));
    try {
      expect(held.tryAcquire()).toBe(true);
      const before = snapshot(h);
      const r = h.cli(["dispatch"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/another dispatcher holds the lock for this database; skipped this tick/);
      expect(snapshot(h)).toBe(before);
      // An in-process dispatcher skips too (and reports why).
      const inproc = h.dispatcher().tick();
      expect(inproc).toMatchObject({ skipped: true, reason: expect.stringMatching(/another dispatcher holds the lock/), spawned: [] });
      expect(snapshot(h)).toBe(before);
    } finally {
      held.close();
    }
    const r2 = h.cli(["dispatch", "--json"]);
    expect(r2.code).toBe(0);
    const rep = JSON.parse(r2.stdout);
    expect(rep.skipped).toBe(false);
    expect(rep.spawned.map((s: { task_id: string }) => s.task_id)).toEqual([id]);
    // The one-shot CLI is gone; its worker carries on and completes on its own.
    await waitFor(() => h.task(id).status === "done", "the worker to complete", 20_000, () => h.diag());
    expect(h.runs(id).map((x) => x.outcome)).toEqual(["completed"]);
  });

  it("6 ticks in a row with a startable task and nothing started: report.stuck and <db>.dispatcher.json stuck", async () => {
    const h = new Home({ profiles: { one: { command: [NODE, ex("sleep.mjs")], max_in_progress: 1, env: { PIDS_FILE: "<home>/pids" } } } });
    const a = h.k.create({ title: "holds the only slot", assignee: "one", priority: 1 }).task.id;
    const b = h.k.create({ title: "waits for the slot", assignee: "one" }).task.id;
    const d = h.dispatcher();
    const first = d.tick();
    expect(first.spawned.map((s) => s.task_id)).toEqual([a]);
    expect(first.stuck).toBe(false);
    const idle = [];
    for (let i = 0; i < 6; i++) idle.push(d.tick());
    expect(idle.map((r) => r.stuck)).toEqual([false, false, false, false, false, true]);
    for (const r of idle) {
      expect(r.startable).toBe(1);
      expect(r.spawned).toEqual([]);
      expect(r.decisions.find((x) => x.task_id === b)?.reason).toBe("profile cap reached (1/1 running for one)");
    }
    const last = idle.at(-1)!;
    expect(last.stuck_reason).toMatch(/^6 ticks in a row with a startable ready task and nothing started \(last reason: profile cap reached/);
    const status = readStatus(h.paths.db)!;
    expect(status).toMatchObject({ stuck: true, idle_with_work_ticks: 6, pid: process.pid });
    expect(status.stuck_reason).toBe(last.stuck_reason);
    expect(h.logLines.filter((l) => l.includes("dispatcher stuck"))).toHaveLength(1);
    expect(h.task(b).status).toBe("ready");
    // Freeing the slot un-sticks it.
    h.k.reclaim(a);
    h.k.assign(a, "ops");
    const next = await h.tickUntil(d, (r) => r.spawned.length > 0, "b to start");
    expect(next.at(-1)!.spawned.map((s) => s.task_id)).toEqual([b]);
    expect(next.at(-1)!.stuck).toBe(false);
    expect(readStatus(h.paths.db)!.stuck).toBe(false);
  });
});
