import { route } from "@/server/http/route";
import { queryOf } from "@/server/http/body";
import { intParam } from "@/server/http/params";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/events?since=&limit= — the polling fallback of the WebSocket stream. */
export const GET = route((req, { rt }) => {
  const q = queryOf(req);
  return rt.kernel.eventsSince(intParam(q, "since", { min: 0, def: 0 })!, intParam(q, "limit", { min: 1, max: 10_000, def: 1000 }));
});
