import { route } from "@/server/http/route";
import { jsonBody } from "@/server/http/body";
import { emptySchema, patchTaskSchema } from "@/lib/schemas";
import { HttpError } from "@/server/http/errors";
import { workspaceSpec } from "@/server/http/params";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/tasks/:id — {task, parents, children, comments, events, runs, child_results}. */
export const GET = route((_req, { rt, params }) => rt.kernel.detail(params.id));

const EDIT_FIELDS = ["title", "body", "priority", "tenant", "skills", "max_runtime_seconds", "max_retries", "position", "scheduled_at"] as const;

/**
 * PATCH /api/tasks/:id — field edits, reassignment and a status move, all in one transaction:
 * either everything in the body applies or nothing does.
 */
export const PATCH = route(
  async (req, { rt, params }) => {
    const b = await jsonBody(req, patchTaskSchema);
    const k = rt.kernel;
    const fields: Record<string, unknown> = Object.fromEntries(EDIT_FIELDS.filter((f) => b[f] !== undefined).map((f) => [f, b[f]]));
    if (b.branch_name !== undefined && b.workspace === undefined) throw new HttpError(400, "validation", "body.branch_name: give it together with workspace");
    if (b.workspace !== undefined) Object.assign(fields, workspaceSpec(b.workspace), { branch_name: b.branch_name ?? null });
    if (!Object.keys(fields).length && b.assignee === undefined && b.status === undefined) {
      throw new HttpError(400, "validation", "body: nothing to change (give a field, assignee or status)");
    }
    k.ctx.tx(() => {
      if (Object.keys(fields).length) k.edit(params.id, fields);
      if (b.assignee !== undefined) k.assign(params.id, b.assignee);
      if (b.status !== undefined) k.move(params.id, { status: b.status, summary: b.summary, reason: b.reason, kind: b.kind });
    });
    return k.task(params.id);
  },
  { write: true },
);

/** DELETE /api/tasks/:id — removes the task and everything hanging off it. */
export const DELETE = route(
  async (req, { rt, params }) => {
    await jsonBody(req, emptySchema); // a body, if any, must still be JSON (415/413/400 like every write)
    return rt.kernel.delete(params.id);
  },
  { write: true },
);
