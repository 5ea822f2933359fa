import { getDb, getDbPath } from "@/server/db-handle";
import { isBusyError } from "@/server/kernel/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Readiness probe: answers 200 only when the database really answers a query. */
export function GET(): Response {
  try {
    const db = getDb();
    db.prepare("SELECT 1").get();
    const { latest } = db.prepare("SELECT COALESCE(MAX(id), 0) AS latest FROM task_events").get() as {
      latest: number;
    };
    const { tasks } = db.prepare("SELECT COUNT(*) AS tasks FROM tasks").get() as { tasks: number };
    return Response.json({ ok: true, db: getDbPath(), latest_event_id: latest, tasks });
  } catch (e) {
    const busy = isBusyError(e);
    return Response.json(
      {
        error: {
          code: busy ? "busy" : "unavailable",
          message: `database ${busy ? "is busy" : "is unavailable"}: ${e instanceof Error ? e.message : String(e)}`,
        },
      },
      { status: 503, headers: busy ? { "retry-after": "1" } : undefined },
    );
  }
}
