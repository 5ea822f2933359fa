/**
 * Expected failures are values of one typed error class; each code maps to one HTTP status and
 * one CLI exit code in exactly one place (server/http, server/cli). Anything else thrown is a bug.
 */
export type ErrorCode = "validation" | "not_found" | "conflict" | "busy" | "db_refused";

export class KanbanError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "KanbanError";
    this.code = code;
    this.details = details;
  }
}

export const validation = (msg: string, details?: unknown) => new KanbanError("validation", msg, details);
export const notFound = (what: string) => new KanbanError("not_found", `${what} not found`);
export const conflict = (msg: string, details?: unknown) => new KanbanError("conflict", msg, details);

export function isKanbanError(e: unknown): e is KanbanError {
  return e instanceof KanbanError;
}

/** SQLITE_BUSY / SQLITE_LOCKED (after the busy timeout) surface as a typed, retryable error. */
export function isBusyError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}
