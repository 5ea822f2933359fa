/**
 * The `/ws` live-event protocol (SPEC §9), shared by the server hub (server/ws/hub.ts) and the
 * board. Client-safe: no Node imports.
 *
 * Connect to `/ws` (only newer events) or `/ws?since=<event id>` (resume after that id). The
 * server only talks; anything a client sends is ignored.
 *
 * Server → client, one JSON object per text frame:
 *   1. `hello` first, always: `cursor` is the id after which the stream continues (the `since`
 *      given, or the newest event id without one).
 *   2. `events` batches in id order, each event exactly once, from any process's writes.
 *      A batch's `cursor` is the id of its last event: resume later with `?since=<cursor>`.
 *   3. `resync` when `since` predates the retained events (gc removed some) or is not from this
 *      database: the client's state is stale, so reload it (GET /api/board); events with
 *      id > `cursor` follow on the same socket.
 *   4. `error` just before a policy close (e.g. a malformed `since`).
 *
 * Close codes: 1008 malformed request (bad `since`), 1013 client too slow (its send buffer
 * overflowed; the reason says which `since=` to reconnect with), 1001 server shutting down.
 * Without a pong to the server's ping (every 30 s) a client is dropped.
 */

/** Bumped on any incompatible change; sent in `hello`. */
export const WS_PROTOCOL_VERSION = 1 as const;

/** The path of the endpoint. */
export const WS_PATH = "/ws";

/** One row of `task_events` as the API shows it. */
export interface WsEvent {
  /** The global cursor: strictly increasing in commit order. */
  id: number;
  task_id: string;
  run_id: number | null;
  kind: string;
  payload: Record<string, unknown> | null;
  created_at: number;
}

export interface HelloMessage {
  type: "hello";
  v: typeof WS_PROTOCOL_VERSION;
  cursor: number;
}

export interface EventsMessage {
  type: "events";
  events: WsEvent[];
  cursor: number;
}

export interface ResyncMessage {
  type: "resync";
  cursor: number;
}

export type WsErrorCode = "bad_since";

export interface ErrorMessage {
  type: "error";
  code: WsErrorCode;
  message: string;
}

/** Everything the server sends. */
export type ServerMessage = HelloMessage | EventsMessage | ResyncMessage | ErrorMessage;

export const WS_CLOSE = {
  /** Server shutting down. */
  GOING_AWAY: 1001,
  /** Malformed request (bad `since`). */
  POLICY_VIOLATION: 1008,
  /** The client did not read fast enough; reconnect with `since`. */
  TRY_AGAIN_LATER: 1013,
} as const;

/**
 * Parses the `since` query value: absent → `null` (start at the newest event); a non-negative
 * safe integer in plain decimal → the number; anything else → an error message.
 */
export function parseSince(raw: string | null | undefined): { ok: true; since: number | null } | { ok: false; message: string } {
  if (raw === null || raw === undefined) return { ok: true, since: null };
  if (!/^\d{1,16}$/.test(raw)) return { ok: false, message: "since must be a non-negative integer event id" };
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) return { ok: false, message: "since must be a non-negative integer event id" };
  return { ok: true, since: n };
}

/** The URL of the endpoint for a page at `location` (http→ws, https→wss), resuming after `since`. */
export function wsUrl(location: { protocol: string; host: string }, since?: number | null): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}${WS_PATH}${since != null ? `?since=${since}` : ""}`;
}

const isCursor = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;

function isEvent(e: unknown): e is WsEvent {
  if (!e || typeof e !== "object") return false;
  const o = e as Record<string, unknown>;
  return isCursor(o.id) && typeof o.task_id === "string" && typeof o.kind === "string" && typeof o.created_at === "number";
}

/** Parses and shape-checks one frame from the server; `null` for anything unrecognised. */
export function parseServerMessage(data: string): ServerMessage | null {
  let m: unknown;
  try {
    m = JSON.parse(data);
  } catch {
    return null;
  }
  if (!m || typeof m !== "object") return null;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case "hello":
      return isCursor(o.cursor) ? (o as unknown as HelloMessage) : null;
    case "events":
      return isCursor(o.cursor) && Array.isArray(o.events) && o.events.every(isEvent) ? (o as unknown as EventsMessage) : null;
    case "resync":
      return isCursor(o.cursor) ? (o as unknown as ResyncMessage) : null;
    case "error":
      return typeof o.code === "string" && typeof o.message === "string" ? (o as unknown as ErrorMessage) : null;
    default:
      return null;
  }
}
