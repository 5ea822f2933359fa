import { route } from "@/server/http/route";
import { queryOf } from "@/server/http/body";
import { boolParam, listParam } from "@/server/http/params";
import { HttpError } from "@/server/http/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/board?tenant&assignee&q&include_archived — columns with cards, filters, cursor.
 * With `ids=a,b`: just those cards `{cards, missing, latest_event_id, now}` under the same
 * filters (a live board refreshes only what changed; `missing` left the view).
 */
export const GET = route((req, { rt }) => {
  const q = queryOf(req);
  const filter = { tenant: q.tenant || null, assignee: q.assignee || null, q: q.q || null, includeArchived: boolParam(q, "include_archived") };
  const ids = listParam(q, "ids");
  if (ids) {
    if (ids.length > 1000) throw new HttpError(400, "validation", "query.ids: at most 1000 ids");
    return rt.kernel.boardCards(ids, filter);
  }
  const board = rt.kernel.board(filter);
  return {
    ...board,
    profiles: Object.keys(rt.config.profiles).sort(),
    config: {
      failure_limit: rt.config.dispatch.failure_limit,
      lanes_by_profile: rt.config.board.lanes_by_profile,
      default_tenant: rt.config.board.default_tenant,
      max_in_progress: rt.config.dispatch.max_in_progress,
      // running/cap per swimlane: a profile's own cap, else the per-profile default (null = none)
      profile_caps: Object.fromEntries(
        Object.entries(rt.config.profiles).map(([name, p]) => [name, p.max_in_progress ?? rt.config.dispatch.max_in_progress_per_profile]),
      ),
    },
  };
});
