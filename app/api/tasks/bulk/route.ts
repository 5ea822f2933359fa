import { route } from "@/server/http/route";
import { jsonBody } from "@/server/http/body";
import { bulkSchema } from "@/lib/schemas";
import { isKanbanError } from "@/server/kernel/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /api/tasks/bulk — applies the same change to each id, each id in its own transaction, so
 * one refused card does not undo the others. Answers per-id `{id, ok, error?}`.
 */
export const POST = route(
  async (req, { rt }) => {
    const b = await jsonBody(req, bulkSchema);
    const k = rt.kernel;
    const results = [...new Set(b.ids)].map((id) => {
      try {
        k.ctx.tx(() => {
          if (b.delete) return void k.delete(id);
          if (b.assignee !== undefined) k.assign(id, b.assignee);
          if (b.priority !== undefined) k.edit(id, { priority: b.priority });
          if (b.archive) k.archive(id);
          else if (b.status !== undefined) k.move(id, { status: b.status, summary: b.summary, reason: b.reason, kind: b.kind });
        });
        return { id, ok: true };
      } catch (e) {
        if (!isKanbanError(e)) throw e;
        return { id, ok: false, error: { code: e.code, message: e.message } };
      }
    });
    return { results, ok: results.every((r) => r.ok) };
  },
  { write: true },
);
