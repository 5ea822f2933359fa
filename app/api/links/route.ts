import { route, created } from "@/server/http/route";
import { jsonBody, parseWith, queryOf } from "@/server/http/body";
import { emptySchema, linkSchema } from "@/lib/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/links {parent_id, child_id} — the child depends on the parent (409 on a cycle). */
export const POST = route(
  async (req, { rt }) => {
    const b = await jsonBody(req, linkSchema);
    const r = rt.kernel.link(b.parent_id, b.child_id);
    return r.linked ? created(r) : r;
  },
  { write: true },
);

/** DELETE /api/links?parent_id&child_id */
export const DELETE = route(
  async (req, { rt }) => {
    const q = parseWith(linkSchema, queryOf(req), "query");
    await jsonBody(req, emptySchema); // the edge is in the query; a body, if any, must still be JSON
    return rt.kernel.unlink(q.parent_id, q.child_id);
  },
  { write: true },
);
