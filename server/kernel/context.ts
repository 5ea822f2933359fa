/**
 * The kernel context: one database connection plus the injected clock, id source and process
 * control. Every kernel command takes it as its first argument. It owns the prepared-statement
 * cache and the transaction helper, so all SQL runs through one seam.
 */
import type Database from "better-sqlite3";
import { systemClock, randomIds, type Clock, type IdSource } from "./clock";
import { KanbanError, isBusyError } from "./errors";
import { LinuxProcessControl, type ProcessControl } from "./process-control";

export interface KernelConfig {
  claimTtlSeconds: number;
  /** dispatch.failure_limit: consecutive failures before the breaker blocks a task. */
  failureLimit: number;
  /** dispatch.crash_grace_seconds */
  crashGraceSeconds: number;
  /** dispatch.stale_timeout_seconds (0 = off) */
  staleTimeoutSeconds: number;
}

export const defaultKernelConfig: KernelConfig = {
  claimTtlSeconds: 900,
  failureLimit: 2,
  crashGraceSeconds: 30,
  staleTimeoutSeconds: 14_400,
};

export interface KernelDeps {
  db: Database.Database;
  clock?: Clock;
  ids?: IdSource;
  proc?: ProcessControl;
  config?: Partial<KernelConfig>;
}

export class KernelContext {
  readonly db: Database.Database;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly proc: ProcessControl;
  readonly config: KernelConfig;
  private readonly stmts = new Map<string, Database.Statement>();
  /** One transaction wrapper, built once: better-sqlite3 builds closures per wrapper, which
   * costs more than an empty transaction does (bench/kernel-bench.ts breakdown). */
  private readonly runner: Database.Transaction<(fn: () => unknown) => unknown>;

  constructor(deps: KernelDeps) {
    this.db = deps.db;
    this.clock = deps.clock ?? systemClock;
    this.ids = deps.ids ?? randomIds;
    this.proc = deps.proc ?? new LinuxProcessControl();
    this.config = { ...defaultKernelConfig, ...(deps.config ?? {}) };
    this.runner = this.db.transaction((fn: () => unknown) => fn());
  }

  now(): number {
    return this.clock.now();
  }

  /** A cached prepared statement: the hot paths never re-parse SQL. */
  stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /**
   * Runs `fn` as one BEGIN IMMEDIATE transaction (a savepoint when already inside one).
   * `fn` must be synchronous: no await, network or process work inside (SPEC §3.3).
   * A busy database becomes a typed `busy` error; nothing is half-written.
   */
  tx<T>(fn: () => T): T {
    try {
      // Inside a transaction the wrapper opens a savepoint, so a nested command is atomic too.
      if (this.db.inTransaction) return this.runner(fn) as T;
      return this.runner.immediate(fn) as T;
    } catch (e) {
      if (isBusyError(e)) {
        throw new KanbanError("busy", "the database is busy (another writer holds the lock); retry shortly");
      }
      throw e;
    }
  }

  /** The lock string for a claim made by this process: `<host>:<pid>[:<suffix>]`. */
  lockFor(suffix?: string, pid?: number): string {
    const base = `${this.proc.hostname()}:${pid ?? this.proc.selfPid()}`;
    return suffix ? `${base}:${suffix}` : base;
  }

  /** True when a claim lock was taken on this host (so its pid can be checked here). */
  lockIsLocal(lock: string | null): boolean {
    if (!lock) return false;
    return lock.split(":")[0] === this.proc.hostname();
  }
}
