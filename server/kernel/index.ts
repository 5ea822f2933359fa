/**
 * The kernel: the only writer of the database. `Kernel` binds every command and read model to
 * one context so callers (API, CLI, dispatcher, MCP) write `kernel.complete(id, …)`.
 */
import { openKanbanDb, type OpenOptions } from "../../db/open";
import { KernelContext, type KernelDeps } from "./context";
import { createTask, type CreateTaskInput } from "./create";
import { linkTasks, unlinkTasks } from "./links";
import { claimTask, claimNextTask, heartbeatTask, recordSpawned, type ClaimOptions, type Fence } from "./claim";
import { completeTask, type CompleteInput } from "./complete";
import { blockTask, unblockTask, type BlockInput } from "./block";
import { assignTask, reclaimTask } from "./assign";
import { archiveTask, deleteTask } from "./archive";
import { editTask, commentOnTask, type EditInput } from "./edit";
import { moveTask, type MoveInput } from "./move";
import * as live from "./liveness";
import * as q from "./queries";
import { boardQuery, boardCards, type BoardFilter } from "./board-query";
import { workerContext } from "./worker-context";
import type { ExitInfo } from "./process-control";

export class Kernel {
  readonly ctx: KernelContext;
  constructor(deps: KernelDeps) {
    this.ctx = new KernelContext(deps);
  }
  get db() {
    return this.ctx.db;
  }
  close() {
    this.ctx.db.close();
  }

  // commands
  create(input: CreateTaskInput) { return createTask(this.ctx, input); }
  link(parentId: string, childId: string) { return linkTasks(this.ctx, parentId, childId); }
  unlink(parentId: string, childId: string) { return unlinkTasks(this.ctx, parentId, childId); }
  claim(id: string, opts?: ClaimOptions) { return claimTask(this.ctx, id, opts); }
  claimNext(filter?: { assignee?: string | null; tenant?: string | null }, opts?: ClaimOptions) { return claimNextTask(this.ctx, filter, opts); }
  heartbeat(id: string, fence?: Fence & { note?: string | null }) { return heartbeatTask(this.ctx, id, fence); }
  spawned(id: string, runId: number, pid: number, argv0: string) { return recordSpawned(this.ctx, id, runId, pid, argv0); }
  complete(id: string, input?: CompleteInput) { return completeTask(this.ctx, id, input); }
  block(id: string, input: BlockInput) { return blockTask(this.ctx, id, input); }
  unblock(id: string) { return unblockTask(this.ctx, id); }
  assign(id: string, assignee: string | null) { return assignTask(this.ctx, id, assignee); }
  reclaim(id: string, reason?: string | null) { return reclaimTask(this.ctx, id, reason); }
  archive(id: string) { return archiveTask(this.ctx, id); }
  delete(id: string) { return deleteTask(this.ctx, id); }
  edit(id: string, input: EditInput) { return editTask(this.ctx, id, input); }
  comment(id: string, author: string | null | undefined, body: string) { return commentOnTask(this.ctx, id, author, body); }
  move(id: string, input: MoveInput) { return moveTask(this.ctx, id, input); }

  // liveness
  releaseStaleClaims() { return live.releaseStaleClaims(this.ctx); }
  detectCrashedWorkers() { return live.detectCrashedWorkers(this.ctx); }
  enforceMaxRuntime() { return live.enforceMaxRuntime(this.ctx); }
  reclaimStaleRunning() { return live.reclaimStaleRunning(this.ctx); }
  promoteAll() { return live.promoteAll(this.ctx); }
  livenessPass() { return live.runLivenessPass(this.ctx); }
  workerExited(id: string, runId: number | null, pid: number, exit: ExitInfo | null) { return live.recordWorkerExit(this.ctx, id, runId, pid, exit); }
  spawnFailed(id: string, runId: number, error: string) { return live.recordSpawnFailure(this.ctx, id, runId, error); }
  inRateLimitCooldown(id: string) { return live.inRateLimitCooldown(this.ctx, id); }

  // reads
  task(id: string) { return q.getTask(this.ctx, id); }
  list(filter?: q.ListFilter) { return q.listTasks(this.ctx, filter); }
  detail(id: string) { return q.taskDetail(this.ctx, id); }
  runs(id: string) { q.getTask(this.ctx, id); return q.listRuns(this.ctx, id); }
  events(id: string, limit?: number) { q.getTask(this.ctx, id); return q.taskEvents(this.ctx, id, limit); }
  eventsSince(since: number, limit?: number) { return q.eventsSince(this.ctx, since, limit); }
  latestEventId() { return q.latestEventId(this.ctx); }
  stats() { return q.stats(this.ctx); }
  assignees() { return q.assignees(this.ctx); }
  board(filter?: BoardFilter) { return boardQuery(this.ctx, filter); }
  boardCards(ids: string[], filter?: Omit<BoardFilter, "ids">) { return boardCards(this.ctx, ids, filter); }
  context(id: string, opts?: { workspacePath?: string }) { return workerContext(this.ctx, id, opts); }
}

/** Opens (or creates/adopts) a database file and returns a kernel over it. */
export function openKernel(file: string, deps: Omit<KernelDeps, "db"> = {}, openOpts: OpenOptions = {}): Kernel {
  const { db } = openKanbanDb(file, openOpts);
  return new Kernel({ ...deps, db });
}

export { KanbanError, isKanbanError } from "./errors";
export type { Task, Run, KanbanEvent, Comment, Status } from "./types";
export { STATUSES, BLOCK_KINDS } from "./types";
