import { route } from "@/server/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/assignees — known assignees with counts, and whether each is a configured profile. */
export const GET = route((_req, { rt }) =>
  rt.kernel.assignees().map((a) => ({ ...a, profile: a.assignee in rt.config.profiles })),
);
