/**
 * The one place errors become HTTP responses (SPEC §9):
 * `{"error": {"code", "message", "details"?}}` with the status for each code. Expected failures
 * are typed; anything else is a bug and answers 500 without leaking a stack trace.
 */
import { isKanbanError, isBusyError } from "../kernel/errors";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const STATUS: Record<string, number> = {
  validation: 400, invalid_json: 400, not_found: 404, conflict: 409, too_large: 413,
  unsupported_media_type: 415, busy: 503, db_refused: 503,
};

export function errorResponse(status: number, code: string, message: string, details?: unknown, headers: Record<string, string> = {}): Response {
  const error: Record<string, unknown> = { code, message };
  if (details !== undefined) error.details = details;
  return Response.json({ error }, { status, headers });
}

export function toResponse(e: unknown): Response {
  if (e instanceof HttpError) {
    // A 413 leaves the rest of the request body unread on the socket, so that connection cannot
    // carry another request: close it, or a keep-alive client's next request on it hangs.
    return errorResponse(e.status, e.code, e.message, e.details, e.status === 413 ? { connection: "close" } : {});
  }
  if (isKanbanError(e)) {
    const status = STATUS[e.code] ?? 400;
    return errorResponse(status, e.code === "db_refused" ? "unavailable" : e.code, e.message, e.details, status === 503 ? { "retry-after": "1" } : {});
  }
  if (isBusyError(e)) return errorResponse(503, "busy", "the database is busy; retry shortly", undefined, { "retry-after": "1" });
  console.error("Fleet Kanban: unexpected error in a request:", e);
  return errorResponse(500, "internal", "internal error (this is a bug; the server log has details)");
}
