/**
 * One live connection to `/ws` with automatic resume from the last cursor (lib/ws-protocol.ts).
 * Reconnects with capped backoff; `close()` stops it for good (effect cleanup, STACK P13).
 */
import { parseServerMessage, wsUrl, type WsEvent } from "./ws-protocol";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

export interface LiveHandlers {
  onEvents(events: WsEvent[], cursor: number): void;
  onResync(cursor: number): void;
  onState(state: ConnectionState): void;
}

export class LiveSocket {
  private ws: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private closed = false;

  constructor(
    private cursor: number,
    private readonly h: LiveHandlers,
  ) {
    this.connect();
  }

  /** The last event id seen; a reconnect resumes after it. */
  get position() {
    return this.cursor;
  }

  /** Moves the cursor forward (e.g. after a full reload) without reconnecting. */
  advance(cursor: number) {
    if (cursor > this.cursor) this.cursor = cursor;
  }

  private connect() {
    if (this.closed) return;
    this.h.onState(this.attempts === 0 ? "connecting" : "reconnecting");
    const ws = new WebSocket(wsUrl(window.location, this.cursor));
    this.ws = ws;
    ws.onmessage = (ev) => {
      const m = parseServerMessage(String(ev.data));
      if (!m) return;
      if (m.type === "hello") {
        this.attempts = 0;
        this.h.onState("live");
      } else if (m.type === "events") {
        const fresh = m.events.filter((e) => e.id > this.cursor);
        this.cursor = Math.max(this.cursor, m.cursor);
        if (fresh.length) this.h.onEvents(fresh, m.cursor);
      } else if (m.type === "resync") {
        this.cursor = m.cursor;
        this.h.onResync(m.cursor);
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.closed) return;
      this.ws = null;
      this.attempts += 1;
      this.h.onState(this.attempts > 5 ? "offline" : "reconnecting");
      const delay = Math.min(10_000, 300 * 2 ** Math.min(this.attempts, 6));
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  close() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      ws.close();
    }
  }
}
