/**
 * Minimal request guards for the custom server. For now only the Host check (DNS rebinding:
 * a page on evil.example resolving to 127.0.0.1 must not reach the API). Origin checks and the
 * bearer token (SPEC §10) will join here; keep every guard in this one file.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/** Host-header values (lower-cased, with port) this server answers to. */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const names = new Set(["localhost", "127.0.0.1", "[::1]"]);
  // IPv6 literals appear bracketed in Host headers.
  const bound = boundHost.includes(":") && !boundHost.startsWith("[") ? `[${boundHost}]` : boundHost;
  names.add(bound.toLowerCase());
  const hosts = new Set<string>();
  for (const n of names) {
    hosts.add(`${n}:${port}`);
    if (port === 80) hosts.add(n); // clients omit the default port
  }
  return hosts;
}

export function hostAllowed(req: IncomingMessage, allowed: Set<string>): boolean {
  const host = req.headers.host;
  return typeof host === "string" && allowed.has(host.toLowerCase());
}

const FORBIDDEN_HOST = "request Host header is not one this server is bound to";

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export function sendForbidden(res: ServerResponse, message = FORBIDDEN_HOST): void {
  const body = errorBody("forbidden", message);
  res.writeHead(403, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    connection: "close",
  });
  res.end(body);
}

/** Upgrades have no ServerResponse: write a raw HTTP response, then drop the socket. */
export function rejectUpgrade(socket: Duplex, status: 403 | 404, message = FORBIDDEN_HOST): void {
  const body = errorBody(status === 403 ? "forbidden" : "not_found", message);
  const reason = status === 403 ? "Forbidden" : "Not Found";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // Destroy once flushed: a half-open upgrade socket would otherwise linger until the peer closes.
  socket.once("finish", () => socket.destroy());
}
