/**
 * Expected failures are values of one typed error class; each code maps to one HTTP status and
 * one CLI exit code in exactly one place (server/http, server/cli). Anything else thrown is a bug.
 */
export type ErrorCode = "validation" | "not_found" | "conflict" | "busy" | "db_refused";

/** A brand that survives module duplication: the custom server and Next's bundled route handlers
 * load this file twice in one process, so `instanceof` alone would miss the other copy's errors. */
const BRAND = Symbol.for("fleet-kanban.KanbanError");

export class KanbanError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly [BRAND] = true;
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
  return e instanceof KanbanError || (typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true);
}

/** SQLITE_BUSY / SQLITE_LOCKED (after the busy timeout) surface as a typed, retryable error. */
export function isBusyError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}
