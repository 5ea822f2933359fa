/**
 * Request shapes of the HTTP API (SPEC §9), shared by the route handlers and the board's forms.
 * Validation at the edge checks shape and types; the kernel checks meaning (parents exist, legal
 * transitions, workspace rules). Objects are strict: an unknown field is a 400 naming it.
 */
import { z } from "zod";

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a task id");
const text = (max: number) => z.string().max(max, `at most ${max} characters`);
const int = z.number().int();
const nullable = <T extends z.ZodType>(s: T) => s.nullable().optional();

export const STATUS_VALUES = ["triage", "todo", "scheduled", "ready", "running", "blocked", "review", "done", "archived"] as const;
export const statusSchema = z.enum(STATUS_VALUES);
export const blockKindSchema = z.enum(["needs_input", "capability", "transient", "dependency"]);

export const createTaskSchema = z.strictObject({
  title: text(500),
  body: nullable(text(1_000_000)),
  assignee: nullable(text(64)),
  priority: nullable(int),
  tenant: nullable(text(100)),
  skills: nullable(z.array(text(100)).max(50)),
  parents: z.array(id).max(100).optional(),
  triage: z.boolean().optional(),
  /** The column it starts in (the board's `+`): blocked needs `reason` (+ `kind`), done takes `summary`. */
  status: z.enum(["triage", "todo", "scheduled", "ready", "review", "blocked", "done"]).optional(),
  reason: nullable(text(20_000)),
  kind: nullable(blockKindSchema),
  summary: nullable(text(20_000)),
  idempotency_key: nullable(text(200)),
  /** Hermes-style spec: scratch | dir:<abs> | worktree[:<abs>] (or the two fields below). */
  workspace: text(4096).optional(),
  workspace_kind: nullable(z.enum(["scratch", "dir", "worktree"])),
  workspace_path: nullable(text(4096)),
  branch_name: nullable(text(200)),
  max_runtime_seconds: nullable(int.min(1)),
  max_retries: nullable(int.min(1).max(1000)),
  scheduled_at: nullable(int.min(0)),
  position: nullable(z.number().finite()),
  created_by: nullable(text(100)),
});

export const patchTaskSchema = z.strictObject({
  title: text(500).optional(),
  /** Replaces the workspace: scratch | dir:<abs> | worktree[:<abs>] (branch_name only with it). */
  workspace: text(4096).optional(),
  branch_name: nullable(text(200)),
  body: nullable(text(1_000_000)),
  priority: int.optional(),
  tenant: nullable(text(100)),
  skills: nullable(z.array(text(100)).max(50)),
  max_runtime_seconds: nullable(int.min(1)),
  max_retries: nullable(int.min(1).max(1000)),
  position: nullable(z.number().finite()),
  scheduled_at: nullable(int.min(0)),
  assignee: nullable(text(64)),
  status: statusSchema.optional(),
  summary: nullable(text(20_000)),
  reason: nullable(text(20_000)),
  kind: nullable(blockKindSchema),
});

const runId = nullable(int.min(1));
export const claimSchema = z.strictObject({
  ttl_seconds: nullable(int.min(1).max(7 * 86_400)),
  worker_pid: nullable(int.min(1)),
  lock_suffix: nullable(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "letters, digits, . _ -")),
});
export const heartbeatSchema = z.strictObject({ run_id: runId, note: nullable(text(500)) });
export const completeSchema = z.strictObject({
  run_id: runId,
  summary: nullable(text(20_000)),
  result: nullable(text(1_000_000)),
  metadata: nullable(z.record(z.string(), z.unknown())),
});
export const blockSchema = z.strictObject({ run_id: runId, reason: text(20_000), kind: nullable(blockKindSchema) });
export const emptySchema = z.strictObject({});
export const reclaimSchema = z.strictObject({ reason: nullable(text(2000)) });
export const commentSchema = z.strictObject({ body: text(100_000), author: nullable(text(100)) });
export const linkSchema = z.strictObject({ parent_id: id, child_id: id });

export const bulkSchema = z
  .strictObject({
    ids: z.array(id).min(1).max(1000),
    status: statusSchema.optional(),
    assignee: nullable(text(64)),
    priority: int.optional(),
    archive: z.boolean().optional(),
    delete: z.boolean().optional(),
    summary: nullable(text(20_000)),
    reason: nullable(text(20_000)),
    kind: nullable(blockKindSchema),
  })
  .refine((b) => b.status !== undefined || b.assignee !== undefined || b.priority !== undefined || b.archive || b.delete, {
    message: "give at least one of status, assignee, priority, archive, delete",
  });

export type CreateTaskBody = z.infer<typeof createTaskSchema>;
export type PatchTaskBody = z.infer<typeof patchTaskSchema>;
export type BulkBody = z.infer<typeof bulkSchema>;
