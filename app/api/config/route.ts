import { route } from "@/server/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/config — the validated config; profile env values are redacted (they hold secrets). */
export const GET = route((_req, { rt }) => ({
  ...rt.config,
  profiles: Object.fromEntries(
    Object.entries(rt.config.profiles).map(([name, p]) => [
      name,
      { ...p, env: p.env ? Object.fromEntries(Object.keys(p.env).map((k) => [k, "(set)"])) : undefined },
    ]),
  ),
  paths: { db: rt.paths.db, workspaces: rt.paths.workspaces, logs: rt.paths.logs },
}));
