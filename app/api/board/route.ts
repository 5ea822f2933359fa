import { route } from "@/server/http/route";
import { queryOf } from "@/server/http/body";
import { boolParam } from "@/server/http/params";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/board?tenant&assignee&q&include_archived — columns with cards, filters, cursor. */
export const GET = route((req, { rt }) => {
  const q = queryOf(req);
  const board = rt.kernel.board({ tenant: q.tenant || null, assignee: q.assignee || null, q: q.q || null, includeArchived: boolParam(q, "include_archived") });
  return {
    ...board,
    profiles: Object.keys(rt.config.profiles).sort(),
    config: { failure_limit: rt.config.dispatch.failure_limit, lanes_by_profile: rt.config.board.lanes_by_profile, default_tenant: rt.config.board.default_tenant },
  };
});
