import { route } from "@/server/http/route";
import { queryOf } from "@/server/http/body";
import { boolParam, listParam } from "@/server/http/params";
import { HttpError } from "@/server/http/errors";
import { boardPayload } from "@/server/board-payload";

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
  return boardPayload(rt, filter);
});
