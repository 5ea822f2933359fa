/**
 * editTask / commentOnTask (SPEC §4.1 edit, comment).
 * edit: title, body, priority, tenant, skills, max_runtime_seconds, max_retries, position,
 * scheduled_at, and the workspace (kind, path and branch together, validated like create's;
 * refused while the task runs, since its worker is inside the old one). Events: `edited {fields}` for everything but priority, `reprioritized {priority}`
 * for priority, `scheduled {scheduled_at}` when a future time parks a ready/todo task.
 * A past or cleared scheduled_at on a scheduled task promotes it; a raised max_retries may release
 * a breaker block.
 * comment: non-blank body, author recorded. Events: `commented {author, len}`.
 */
import type { KernelContext } from "./context";
import { conflict, validation } from "./errors";
import { emit, requireTask, getTaskRow, promoteIfReady } from "./internal";
import { assertAllowed } from "./rules";
import { toTask, type Task, type Comment } from "./types";
import { cleanTitle, cleanTenant, cleanSkills, cleanPriority, cleanWorkspace, optionalInt, optionalText, requireText } from "./validate";

export interface EditInput {
  title?: string;
  body?: string | null;
  priority?: number;
  tenant?: string | null;
  skills?: string[] | null;
  max_runtime_seconds?: number | null;
  max_retries?: number | null;
  position?: number | null;
  scheduled_at?: number | null;
  /** The workspace is replaced as a whole: give the kind (path and branch default to none). */
  workspace_kind?: string | null;
  workspace_path?: string | null;
  branch_name?: string | null;
}

const EDITABLE = [
  "title", "body", "priority", "tenant", "skills", "max_runtime_seconds", "max_retries", "position", "scheduled_at",
  "workspace_kind", "workspace_path", "branch_name",
] as const;

export function editTask(k: KernelContext, id: string, input: EditInput): Task {
  const unknown = Object.keys(input).filter((f) => !(EDITABLE as readonly string[]).includes(f));
  if (unknown.length) throw validation(`cannot edit field${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`);
  const set: Record<string, unknown> = {};
  if ("title" in input) set.title = cleanTitle(input.title);
  if ("body" in input) set.body = optionalText("body", input.body, 1_000_000);
  if ("priority" in input) set.priority = cleanPriority(input.priority);
  if ("tenant" in input) set.tenant = cleanTenant(input.tenant);
  if ("skills" in input) set.skills = cleanSkills(input.skills);
  if ("max_runtime_seconds" in input) set.max_runtime_seconds = optionalInt("max_runtime_seconds", input.max_runtime_seconds, 1);
  if ("max_retries" in input) set.max_retries = optionalInt("max_retries", input.max_retries, 1, 1000);
  if ("scheduled_at" in input) set.scheduled_at = optionalInt("scheduled_at", input.scheduled_at, 0);
  if ("workspace_kind" in input || "workspace_path" in input || "branch_name" in input) {
    if (!("workspace_kind" in input)) throw validation("give workspace_kind with workspace_path or branch_name (the workspace is replaced as a whole)");
    const ws = cleanWorkspace(input.workspace_kind, input.workspace_path, input.branch_name);
    set.workspace_kind = ws.kind;
    set.workspace_path = ws.path;
    set.branch_name = ws.branch;
  }
  if ("position" in input) {
    if (input.position != null && !Number.isFinite(input.position)) throw validation("position must be a finite number");
    set.position = input.position ?? null;
  }
  return k.tx(() => {
    const t = requireTask(k, id);
    assertAllowed("edit", t.status, id);
    const changed = Object.keys(set).filter((f) => (t as Record<string, unknown>)[f] !== set[f]);
    if (changed.length === 0) return toTask(t);
    if (t.status === "running" && changed.some((f) => f.startsWith("workspace_") || f === "branch_name")) {
      throw conflict(`cannot change the workspace of ${id} while it runs: its worker is inside the current one`);
    }
    const assignments = changed.map((f) => `${f} = @${f}`).join(", ");
    k.db.prepare(`UPDATE tasks SET ${assignments} WHERE id = @id`).run({ ...pick(set, changed), id });
    const other = changed.filter((f) => f !== "priority");
    if (other.length) emit(k, id, "edited", { fields: other });
    if (changed.includes("priority")) emit(k, id, "reprioritized", { priority: set.priority });
    if (changed.includes("scheduled_at")) {
      const at = set.scheduled_at as number | null;
      if (at != null && at > k.now() && (t.status === "ready" || t.status === "todo")) {
        k.stmt("UPDATE tasks SET status = 'scheduled' WHERE id = ?").run(id);
        emit(k, id, "scheduled", { scheduled_at: at });
      }
    }
    promoteIfReady(k, getTaskRow(k, id)!);
    return toTask(getTaskRow(k, id)!);
  });
}

function pick(o: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(keys.map((key) => [key, o[key]]));
}

export function commentOnTask(k: KernelContext, id: string, author: string | null | undefined, body: string): Comment {
  const text = requireText("comment body", body, 100_000);
  const who = (author ?? "").trim() || "user";
  if (who.length > 100) throw validation("author is too long (at most 100 characters)");
  return k.tx(() => {
    const t = requireTask(k, id);
    assertAllowed("comment", t.status, id);
    const now = k.now();
    const r = k.stmt("INSERT INTO task_comments (task_id, author, body, created_at) VALUES (?, ?, ?, ?)").run(id, who, text, now);
    emit(k, id, "commented", { author: who, len: text.length });
    return { id: Number(r.lastInsertRowid), task_id: id, author: who, body: text, created_at: now };
  });
}
