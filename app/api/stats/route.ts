import { route } from "@/server/http/route";
import { readStatus } from "@/server/dispatcher/status";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/stats — {by_status, by_assignee, by_tenant, runs_by_outcome, ..., dispatcher}. */
export const GET = route((_req, { rt }) => ({ ...rt.kernel.stats(), dispatcher: readStatus(rt.paths.db) }));
