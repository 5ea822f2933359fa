import { route, created } from "@/server/http/route";
import { jsonBody, queryOf } from "@/server/http/body";
import { intParam, listParam, boolParam } from "@/server/http/params";
import { workspaceSpec } from "@/server/http/params";
import { createTaskSchema } from "@/lib/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/tasks?ids=a,b&status&assignee&tenant&limit&include_archived&sort */
export const GET = route((req, { rt }) => {
  const q = queryOf(req);
  return rt.kernel.list({
    ids: listParam(q, "ids"),
    status: listParam(q, "status"),
    assignee: q.assignee || undefined,
    tenant: q.tenant || undefined,
    includeArchived: boolParam(q, "include_archived"),
    limit: intParam(q, "limit", { min: 1, max: 100_000 }),
    sort: (q.sort || undefined) as never,
  });
});


/** POST /api/tasks — 201 with the task; 200 with the existing one for a known idempotency key. */
export const POST = route(
  async (req, { rt }) => {
    const b = await jsonBody(req, createTaskSchema);
    const { workspace, ...rest } = b;
    const r = rt.kernel.create({ ...rest, ...workspaceSpec(workspace), created_by: b.created_by ?? "web" });
    return r.created ? created(r.task) : Response.json(r.task, { status: 200 });
  },
  { write: true },
);
