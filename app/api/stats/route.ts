import { route } from "@/server/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/stats — {by_status, by_assignee, by_tenant, runs_by_outcome, ...}. */
export const GET = route((_req, { rt }) => rt.kernel.stats());
