/**
 * The dispatcher (SPEC §6.1): one tick = reclaim stale claims → detect crashed workers →
 * enforce max runtime → stale running → promote → for ready tasks by priority DESC, created_at
 * ASC: skip unassigned (or apply default_assignee), skip lanes (assignees that are not profiles),
 * respect caps and the rate-limit cooldown, claim, prepare the workspace, spawn.
 *
 * Runs inside the server (start()), headless (`kanban daemon`), or as one tick (`kanban
 * dispatch`). Only one dispatcher ticks a DB at a time (DispatchLock); the others skip.
 */
import fs from "node:fs";
import type { Kernel } from "../kernel/index";
import type { KanbanConfig, ProfileConfig } from "../config";
import type { KanbanPaths } from "../paths";
import type { LivenessAction } from "../kernel/liveness";
import { LinuxProcessControl } from "../kernel/process-control";
import { isKanbanError } from "../kernel/errors";
import type { Task } from "../kernel/types";
import { DispatchLock, lockFileFor } from "./lock";
import { buildArgv, buildEnv } from "./argv";
import { prepareWorkspace, removeScratchWorkspace } from "./workspaces";
import { openLog, logFile, rotateIfLarge } from "./logs";
import { spawnWorker } from "./spawn";
import { readStatus, writeStatus, type DispatcherStatus } from "./status";
import { TreeWatch } from "./trees";

export interface Decision {
  task_id: string;
  title: string;
  assignee: string | null;
  decision: "spawn" | "skip";
  reason: string;
}

export interface SpawnRecord {
  task_id: string;
  run_id: number;
  pid: number;
  profile: string;
  argv0: string;
}

export interface TickReport {
  skipped: boolean;
  reason?: string;
  dry_run: boolean;
  liveness: LivenessAction[];
  decisions: Decision[];
  spawned: SpawnRecord[];
  /** Dry run: the tasks that would start (nothing is claimed or spawned). */
  would_start: string[];
  failed: { task_id: string; error: string }[];
  /** Ready tasks this dispatcher could start (assigned to a profile, not cooling down). */
  startable: number;
  stuck: boolean;
  stuck_reason: string | null;
}

export interface DispatcherOptions {
  kernel: Kernel;
  config: KanbanConfig;
  paths: KanbanPaths;
  /** Repository used for `worktree` tasks that name none. */
  defaultRepo?: string;
  log?: (msg: string) => void;
  /** Called after a tick that changed something (spawned, reclaimed, ...). */
  onChange?: () => void;
  /** Keep children attached to this process's lifetime? The server does; one-shot CLI ticks do not. */
  superviseChildren?: boolean;
}

const STUCK_TICKS = 6;
const FIRST_LEASE_S = 120;
const STUCK_WARN_EVERY_S = 300;

export class Dispatcher {
  readonly lock: DispatchLock;
  private readonly k: Kernel;
  private readonly opts: DispatcherOptions;
  private status: DispatcherStatus;
  private timer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private lastSeenEvent = 0;
  private tickQueued = false;
  private stopped = true;
  private readonly children = new Map<number, { taskId: string; runId: number; child: import("node:child_process").ChildProcess; profile: string }>();
  /** Process groups of the workers this dispatcher supervises, until they are empty. */
  private readonly trees = new TreeWatch();

  constructor(opts: DispatcherOptions) {
    this.opts = opts;
    this.k = opts.kernel;
    this.lock = new DispatchLock(lockFileFor(opts.paths.db));
    const prev = readStatus(opts.paths.db);
    this.status = {
      pid: process.pid, host: this.k.ctx.proc.hostname(), last_tick_at: 0, ticks: 0,
      idle_with_work_ticks: prev?.idle_with_work_ticks ?? 0, stuck: prev?.stuck ?? false, stuck_reason: prev?.stuck_reason ?? null,
      last_warning_at: prev?.last_warning_at ?? null, last_spawn_at: prev?.last_spawn_at ?? null,
    };
  }

  private get log() {
    return this.opts.log ?? ((m: string) => console.log(m));
  }

  private profile(name: string | null): ProfileConfig | undefined {
    return name ? this.opts.config.profiles[name] : undefined;
  }

  /** One tick. `dryRun` explains each ready task's fate and changes nothing. */
  tick(o: { dryRun?: boolean; max?: number; countForStuck?: boolean } = {}): TickReport {
    const dryRun = !!o.dryRun;
    const report: TickReport = { skipped: false, dry_run: dryRun, liveness: [], decisions: [], spawned: [], would_start: [], failed: [], startable: 0, stuck: false, stuck_reason: null };
    if (!dryRun && !this.lock.tryAcquire()) {
      this.sweepTrees(); // our own children need no lock
      return { ...report, skipped: true, reason: "another dispatcher holds the lock for this database; skipped this tick" };
    }
    try {
      if (!dryRun) {
        report.liveness = this.k.livenessPass();
        this.cleanArchivedWorkspaces();
        this.rotateRunningLogs();
      }
      this.plan(report, o.max ?? Infinity, dryRun);
      if (!dryRun) this.updateStuck(report, o.countForStuck ?? true);
      return report;
    } finally {
      if (!dryRun) {
        this.lock.release();
        this.sweepTrees();
      }
    }
  }

  /** Ends what is left of worker trees whose runs were reclaimed, timed out or deleted (trees.ts). */
  private sweepTrees(): void {
    if (this.trees.size === 0) return;
    const stmt = this.k.db.prepare("SELECT outcome FROM task_runs WHERE id = ?");
    try {
      this.trees.sweep((runId) => {
        const row = stmt.get(runId) as { outcome: string | null } | undefined;
        return row ? row.outcome : undefined;
      }, this.log);
    } catch (e) {
      this.log(`Fleet Kanban dispatcher: checking worker trees failed: ${(e as Error).message}`);
    }
  }

  private plan(report: TickReport, max: number, dryRun: boolean): void {
    const cfg = this.opts.config.dispatch;
    const running = new Map<string, number>();
    let total = 0;
    for (const r of this.k.db.prepare("SELECT assignee, COUNT(*) AS n FROM tasks WHERE status = 'running' GROUP BY assignee").all() as { assignee: string | null; n: number }[]) {
      running.set(r.assignee ?? "", r.n);
      total += r.n;
    }
    // A worker that has completed but not exited yet is still a live process: caps count
    // processes this dispatcher supervises too, so "never more than N alive" holds strictly.
    const alive = new Map<string, number>();
    for (const c of this.children.values()) alive.set(c.profile, (alive.get(c.profile) ?? 0) + 1);
    for (const [p, n] of alive) running.set(p, Math.max(running.get(p) ?? 0, n));
    total = Math.max(total, this.children.size);
    const ready = this.k.list({ status: "ready", sort: "priority" }).filter((t) => t.claim_lock == null);
    let spawnable = 0;
    for (const t of ready) {
      const decide = (decision: Decision["decision"], reason: string) =>
        report.decisions.push({ task_id: t.id, title: t.title, assignee: t.assignee, decision, reason });
      let assignee = t.assignee;
      if (!assignee) {
        if (!cfg.default_assignee) {
          decide("skip", "unassigned (set an assignee, or dispatch.default_assignee)");
          continue;
        }
        assignee = cfg.default_assignee;
      }
      const profile = this.profile(assignee);
      if (!profile) {
        decide("skip", `"${assignee}" is not a configured profile: a lane that external workers pull from`);
        continue;
      }
      if (this.k.inRateLimitCooldown(t.id)) {
        decide("skip", "rate limited: waiting out the 300 s cooldown");
        continue;
      }
      spawnable++;
      const cap = profile.max_in_progress ?? cfg.max_in_progress_per_profile ?? null;
      const mine = running.get(assignee) ?? 0;
      if (cfg.max_in_progress != null && total >= cfg.max_in_progress) {
        decide("skip", `board-wide cap reached (${total}/${cfg.max_in_progress} running)`);
        continue;
      }
      if (cap != null && mine >= cap) {
        decide("skip", `profile cap reached (${mine}/${cap} running for ${assignee})`);
        continue;
      }
      if (report.spawned.length + report.would_start.length >= max) {
        decide("skip", `--max ${max} reached for this tick`);
        continue;
      }
      if (dryRun) {
        decide("spawn", `${assignee} has a free slot (runs ${(profile.hermes ? "hermes" : profile.command?.[0]) ?? "?"})`);
        running.set(assignee, mine + 1);
        total++;
        report.would_start.push(t.id);
        continue;
      }
      const started = this.startTask(t, assignee, profile, report);
      if (started) {
        decide("spawn", `started ${assignee} (pid ${started.pid})`);
        running.set(assignee, mine + 1);
        total++;
      } else {
        decide("skip", report.failed.at(-1)?.error ?? "claim lost to another worker");
      }
    }
    report.stuck_reason = spawnable > 0 && report.spawned.length === 0 ? report.decisions.find((d) => d.decision === "skip" && !/lane|unassigned/.test(d.reason))?.reason ?? null : null;
    report.startable = spawnable;
  }

  /** Claim → workspace → spawn for one task. Spawn problems are failures (breaker applies). */
  private startTask(t: Task, assignee: string, profile: ProfileConfig, report: TickReport): SpawnRecord | null {
    const k = this.k;
    if (t.assignee !== assignee) {
      try {
        k.assign(t.id, assignee);
      } catch (e) {
        if (isKanbanError(e)) return null;
        throw e;
      }
    }
    let claim;
    try {
      // A short first lease: if this process dies between the claim and recording the worker's
      // pid, the run is reclaimed in minutes, not after a full TTL. A live worker's heartbeat
      // (or the stale-claim pass, seeing its pid alive) extends it to the full TTL.
      claim = k.claim(t.id, { lockSuffix: "dispatch", ttlSeconds: Math.min(k.ctx.config.claimTtlSeconds, FIRST_LEASE_S) });
    } catch (e) {
      if (isKanbanError(e)) return null; // another worker won, or it waits on a parent now
      throw e;
    }
    const fail = (error: string) => {
      k.spawnFailed(t.id, claim.run_id, error);
      report.failed.push({ task_id: t.id, error });
      this.log(`Fleet Kanban dispatcher: could not start ${t.id} (${assignee}): ${error}`);
      return null;
    };
    let workspace: string;
    try {
      workspace = prepareWorkspace(claim.task, this.opts.paths.workspaces, this.opts.defaultRepo);
    } catch (e) {
      return fail(`workspace: ${(e as Error).message}`);
    }
    const ctx = { task: claim.task, profileName: assignee, profile, runId: claim.run_id, lock: claim.lock, workspace, dbFile: this.opts.paths.db };
    const argv = buildArgv(ctx);
    const env = buildEnv(ctx);
    let fd: number;
    try {
      fd = openLog(this.opts.paths.logs, t.id, this.opts.config.logs.rotate_bytes, this.opts.config.logs.backups);
    } catch (e) {
      return fail(`log: ${(e as Error).message}`);
    }
    let spawned;
    try {
      fs.writeSync(fd, `\n=== ${new Date().toISOString()} run ${claim.run_id}: ${JSON.stringify(argv)} (cwd ${workspace})\n`);
      spawned = spawnWorker(argv, { cwd: workspace, env, logFd: fd });
    } catch (e) {
      return fail((e as Error).message);
    } finally {
      fs.closeSync(fd);
    }
    const proc = k.ctx.proc;
    if (proc instanceof LinuxProcessControl) proc.forget(spawned.pid);
    this.supervise(spawned.child, t.id, claim.run_id, spawned.pid, assignee);
    try {
      k.spawned(t.id, claim.run_id, spawned.pid, argv[0]);
    } catch (e) {
      // The worker already finished (or was reclaimed) before we recorded it: nothing to fix.
      if (!isKanbanError(e)) throw e;
    }
    const rec = { task_id: t.id, run_id: claim.run_id, pid: spawned.pid, profile: assignee, argv0: argv[0] };
    report.spawned.push(rec);
    this.status.last_spawn_at = k.ctx.now();
    return rec;
  }

  /** In the server, a child's exit is known at once: record it and close the run if needed. */
  private supervise(child: import("node:child_process").ChildProcess, taskId: string, runId: number, pid: number, profile: string): void {
    if (!this.opts.superviseChildren) {
      child.unref();
      return;
    }
    this.children.set(pid, { taskId, runId, child, profile });
    this.trees.add(pid, taskId, runId);
    child.on("exit", (code, signal) => {
      this.children.delete(pid);
      if (this.stopped) return; // stopped: the next dispatcher finds this run by its pid
      this.trees.leaderExited(pid);
      const info = { code, signal };
      const proc = this.k.ctx.proc;
      if (proc instanceof LinuxProcessControl) proc.recordExit(pid, info);
      try {
        const r = this.k.workerExited(taskId, runId, pid, info);
        if (r) this.log(`Fleet Kanban dispatcher: worker ${pid} for ${taskId} ended: ${r.action}`);
      } catch (e) {
        this.log(`Fleet Kanban dispatcher: recording the exit of ${pid} failed: ${(e as Error).message}`);
      }
      this.opts.onChange?.();
      this.soon();
    });
  }

  private cleanArchivedWorkspaces(): void {
    const root = this.opts.paths.workspaces;
    let names: string[];
    try {
      names = fs.readdirSync(root);
    } catch {
      return;
    }
    if (names.length === 0) return;
    const stmt = this.k.db.prepare("SELECT status, workspace_kind FROM tasks WHERE id = ?");
    for (const name of names) {
      const row = stmt.get(name) as { status: string; workspace_kind: string } | undefined;
      if (row?.status === "archived" && row.workspace_kind === "scratch") removeScratchWorkspace(root, name);
    }
  }

  private rotateRunningLogs(): void {
    const { rotate_bytes, backups } = this.opts.config.logs;
    for (const r of this.k.db.prepare("SELECT id FROM tasks WHERE status = 'running'").all() as { id: string }[]) {
      rotateIfLarge(logFile(this.opts.paths.logs, r.id), rotate_bytes, backups);
    }
  }

  /**
   * "6 ticks in a row with a startable task and nothing started" counts interval ticks (and
   * one-shot ticks), not the extra ticks every change triggers: a busy burst would otherwise
   * look stuck within a second.
   */
  private updateStuck(report: TickReport, counted: boolean): void {
    const s = this.status;
    const now = this.k.ctx.now();
    const spawnable = report.startable;
    s.ticks++;
    s.last_tick_at = now;
    s.pid = process.pid;
    if (report.spawned.length > 0 || spawnable === 0) s.idle_with_work_ticks = 0;
    else if (counted) s.idle_with_work_ticks++;
    s.stuck = s.idle_with_work_ticks >= STUCK_TICKS;
    s.stuck_reason = s.stuck ? `${s.idle_with_work_ticks} ticks in a row with a startable ready task and nothing started${report.stuck_reason ? ` (last reason: ${report.stuck_reason})` : ""}` : null;
    if (s.stuck && (s.last_warning_at == null || now - s.last_warning_at >= STUCK_WARN_EVERY_S)) {
      s.last_warning_at = now;
      this.log(`Fleet Kanban dispatcher stuck: ${s.stuck_reason}`);
    }
    report.stuck = s.stuck;
    report.stuck_reason = s.stuck_reason;
    writeStatus(this.opts.paths.db, s);
  }

  /** Runs ticks: every interval, and soon after any new event (a task became ready, a run ended). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.lastSeenEvent = this.k.latestEventId();
    const interval = Math.max(50, this.opts.config.dispatch.interval_seconds * 1000);
    const loop = () => {
      if (this.stopped) return;
      this.runTick(true);
      this.timer = setTimeout(loop, interval);
    };
    this.timer = setTimeout(loop, 0);
    // New events from any process (a create, an unblock, a completion) → tick soon.
    const poll = () => {
      if (this.stopped) return;
      try {
        const latest = this.k.latestEventId();
        if (latest !== this.lastSeenEvent) {
          this.lastSeenEvent = latest;
          this.soon();
        }
      } catch {
        /* busy: next poll */
      }
      this.pollTimer = setTimeout(poll, 50);
    };
    this.pollTimer = setTimeout(poll, 50);
  }

  /** Schedules one tick on the next turn of the event loop (coalescing bursts). */
  soon(): void {
    if (this.stopped || this.tickQueued) return;
    this.tickQueued = true;
    setImmediate(() => {
      this.tickQueued = false;
      if (!this.stopped) this.runTick(false);
    });
  }

  private runTick(counted: boolean): void {
    try {
      const r = this.tick({ countForStuck: counted });
      this.lastSeenEvent = Math.max(this.lastSeenEvent, this.k.latestEventId());
      if (r.spawned.length || r.liveness.length) this.opts.onChange?.();
    } catch (e) {
      if (isKanbanError(e) && e.code === "busy") return; // next tick
      this.log(`Fleet Kanban dispatcher: tick failed: ${(e as Error).message}`);
    }
  }

  /** Stops ticking. Running workers keep running (their own process groups); a restarted
   * dispatcher finds them through their pids. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.pollTimer) clearTimeout(this.pollTimer);
    // Supervised children must not keep this process alive (`kanban daemon` exits on SIGTERM
    // while workers run on); their exits are still recorded if the process lives on.
    for (const [pid, c] of this.children) {
      c.child.unref();
      this.children.delete(pid);
    }
    this.trees.clear();
    this.lock.close();
  }

  get runningChildren(): number {
    return this.children.size;
  }
}
