import { route, created } from "@/server/http/route";
import { jsonBody, parseWith, queryOf } from "@/server/http/body";
import { linkSchema } from "@/lib/schemas";

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
  (req, { rt }) => {
    const q = parseWith(linkSchema, queryOf(req), "query");
    return rt.kernel.unlink(q.parent_id, q.child_id);
  },
  { write: true },
);
