import { getRuntime } from "@/server/runtime";
import { readStatus } from "@/server/dispatcher/status";
import { toResponse } from "@/server/http/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Readiness probe: 200 only when the database really answers a query. Also reports the
 * dispatcher: whether it runs here, and its last tick and "stuck" warning (SPEC §6.1), which any
 * dispatching process writes beside the database.
 */
export function GET(): Response {
  try {
    const rt = getRuntime();
    const db = rt.kernel.db;
    const { tasks } = db.prepare("SELECT COUNT(*) AS tasks FROM tasks").get() as { tasks: number };
    const status = readStatus(rt.paths.db);
    return Response.json({
      ok: true,
      db: rt.paths.db,
      latest_event_id: rt.kernel.latestEventId(),
      tasks,
      dispatcher: {
        in_server: !!rt.dispatcher,
        last_tick_at: status?.last_tick_at ?? null,
        stuck: status?.stuck ?? false,
        stuck_reason: status?.stuck_reason ?? null,
      },
    });
  } catch (e) {
    return toResponse(e);
  }
}
