/**
 * What every verb needs: the resolved paths, a lazily opened kernel, the output, and the worker
 * environment (KANBAN_TASK / KANBAN_RUN_ID default the task and fence the run inside a worker).
 */
import fs from "node:fs";
import { resolvePaths, claimTtlSeconds, type KanbanPaths } from "../paths";
import { KanbanError } from "../kernel/errors";
import { openKernel, type Kernel } from "../kernel/index";
import type { KanbanConfig } from "../config";
import { makeOut, type Out } from "./format";
import { UsageError } from "./parse";

export interface GlobalOptions {
  db?: string;
}

export class CliContext {
  readonly out: Out;
  readonly env: NodeJS.ProcessEnv;
  private globals: GlobalOptions = {};
  private _kernel: Kernel | null = null;
  private _config: KanbanConfig | null = null;

  constructor(env: NodeJS.ProcessEnv = process.env, out: Out = makeOut(env)) {
    this.env = env;
    this.out = out;
  }

  setGlobals(g: GlobalOptions) {
    this.globals = g;
  }

  get paths(): KanbanPaths {
    return resolvePaths(this.env, { db: this.globals.db });
  }

  /** An explicitly named database (--db or KANBAN_DB) must exist: a typo must not quietly start
   * a new, empty board. The default $KANBAN_HOME/kanban.db is created on first use, and
   * `kanban init` may create any. */
  allowCreate = false;

  /** Opens the database on first use (creating or adopting it). Corruption checks are the
   * server's job at start; the CLI trusts a file it can read, to start fast. */
  kernel(): Kernel {
    if (!this._kernel) {
      let ttl: number;
      try {
        ttl = claimTtlSeconds(this.env);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const explicit = !!(this.globals.db || this.env.KANBAN_DB);
      const mustExist = explicit && !this.allowCreate;
      if (mustExist && !fs.existsSync(this.paths.db)) {
        throw new KanbanError("not_found", `database ${this.paths.db} does not exist (check --db / KANBAN_DB, or create it with \`kanban init\`)`);
      }
      this._kernel = openKernel(this.paths.db, { config: { claimTtlSeconds: ttl, ...(this._config ? { failureLimit: this._config.dispatch.failure_limit, crashGraceSeconds: this._config.dispatch.crash_grace_seconds, staleTimeoutSeconds: this._config.dispatch.stale_timeout_seconds } : {}) } }, { verify: "none" });
    }
    return this._kernel;
  }

  /** Loads and validates config.yaml (only verbs that need it pay for it). Call before kernel(). */
  async config(): Promise<KanbanConfig> {
    if (!this._config) {
      const { loadConfig } = await import("../config");
      this._config = loadConfig(this.paths.config);
    }
    return this._config;
  }

  close() {
    this._kernel?.close();
    this._kernel = null;
  }

  /** The task a worker is on (env KANBAN_TASK), if any. */
  get workerTask(): string | undefined {
    return this.env.KANBAN_TASK || undefined;
  }

  get workerRunId(): number | undefined {
    const v = this.env.KANBAN_RUN_ID;
    if (!v) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`KANBAN_RUN_ID must be a run id, got "${v}"`);
    return n;
  }

  /** An explicit id, else the worker's task, else a usage error. */
  taskId(explicit: string | undefined, verb: string): string {
    const id = explicit ?? this.workerTask;
    if (!id) throw new UsageError(`${verb}: which task? give a task id (or run inside a worker with KANBAN_TASK set)`);
    return id;
  }

  /** Run-id fence for calls on the worker's own task. */
  fenceFor(id: string, explicitRunId?: number): number | undefined {
    if (explicitRunId != null) return explicitRunId;
    return id === this.workerTask ? this.workerRunId : undefined;
  }

  /** Who is acting: the worker's profile, else the OS user. */
  get actor(): string {
    return this.env.KANBAN_PROFILE || this.env.HERMES_PROFILE || this.env.USER || "cli";
  }

  json(doc: unknown) {
    this.out.write(JSON.stringify(doc, null, 2) + "\n");
  }
}
