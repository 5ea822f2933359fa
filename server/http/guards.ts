/**
 * Request guards of the custom server (SPEC §10), run before anything else sees a request or an
 * upgrade: Host header (DNS rebinding), Origin on unsafe methods and upgrades (CSRF / cross-site
 * WebSockets), the bearer token when bound to a non-loopback address, and the body size limit.
 * Every guard lives in this file.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

export const MAX_BODY_BYTES = 1024 * 1024;
export const TOKEN_COOKIE = "kanban_token";

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export interface GuardPolicy {
  /** Host-header values (lower-cased, with port) this server answers to. */
  hosts: Set<string>;
  /** Origins allowed to make unsafe requests and upgrades. */
  origins: Set<string>;
  /** The bearer token, when one is required (non-loopback bind). */
  token: string | null;
}

function bracket(h: string): string {
  return h.includes(":") && !h.startsWith("[") ? `[${h}]` : h;
}

/**
 * Names a browser may use for this server. Loopback: the loopback names. A wildcard or specific
 * non-loopback bind adds this machine's interface addresses and hostname, plus
 * KANBAN_ALLOWED_HOSTS (comma-separated, e.g. a reverse proxy's name).
 */
export function buildPolicy(boundHost: string, port: number, token: string | null, env: NodeJS.ProcessEnv = process.env): GuardPolicy {
  const names = new Set(["localhost", "127.0.0.1", "[::1]", bracket(boundHost.toLowerCase())]);
  if (!isLoopback(boundHost)) {
    names.add(os.hostname().toLowerCase());
    for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) names.add(bracket(a.address.toLowerCase()));
  }
  for (const extra of (env.KANBAN_ALLOWED_HOSTS ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean)) names.add(extra);
  names.delete("0.0.0.0");
  names.delete("[::]");
  const hosts = new Set<string>();
  const origins = new Set<string>();
  for (const n of names) {
    const withPort = n.includes(":") && !n.startsWith("[") ? n : `${n}:${port}`; // "name:port" given explicitly stays
    hosts.add(withPort);
    origins.add(`http://${withPort}`);
    origins.add(`https://${withPort}`);
    if (port === 80) {
      hosts.add(n);
      origins.add(`http://${n}`);
    }
  }
  return { hosts, origins, token };
}

/** Reads KANBAN_TOKEN, or the token file, or writes a fresh random one there (mode 0600). */
export function loadOrCreateToken(tokenFile: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.KANBAN_TOKEN) return env.KANBAN_TOKEN;
  try {
    const t = fs.readFileSync(tokenFile, "utf8").trim();
    if (t.length >= 16) return t;
  } catch {
    /* create below */
  }
  const t = crypto.randomBytes(24).toString("base64url");
  fs.mkdirSync(path.dirname(tokenFile), { recursive: true });
  fs.writeFileSync(tokenFile, t + "\n", { mode: 0o600 });
  fs.chmodSync(tokenFile, 0o600);
  return t;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

export function hasValidToken(req: IncomingMessage, token: string): boolean {
  const auth = req.headers.authorization ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  if (m && safeEqual(m[1], token)) return true;
  const c = cookieValue(req, TOKEN_COOKIE);
  return c !== null && safeEqual(c, token);
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface Refusal {
  status: 400 | 401 | 403 | 413;
  code: string;
  message: string;
}

/** The guard chain. Returns null to let the request through. */
export function checkRequest(req: IncomingMessage, policy: GuardPolicy, kind: "http" | "upgrade"): Refusal | null {
  if (!req.headers.host) return { status: 400, code: "bad_request", message: "the request has no Host header" };
  const host = req.headers.host.toLowerCase();
  if (!policy.hosts.has(host)) {
    return { status: 403, code: "forbidden", message: `Host "${req.headers.host ?? ""}" is not one this server answers to` };
  }
  if (kind === "upgrade" || UNSAFE.has(req.method ?? "GET")) {
    const origin = req.headers.origin;
    if (origin !== undefined && !policy.origins.has(origin.toLowerCase())) {
      return { status: 403, code: "forbidden", message: `cross-site request from Origin ${origin} refused` };
    }
    if (origin === undefined && req.headers["sec-fetch-site"] === "cross-site") {
      return { status: 403, code: "forbidden", message: "cross-site request refused" };
    }
  }
  if (policy.token !== null) {
    const { pathname } = new URL(req.url ?? "/", "http://x");
    if (pathname !== "/login" && !hasValidToken(req, policy.token)) {
      return { status: 401, code: "unauthorized", message: "this server needs its token: send Authorization: Bearer <token>, or open the login link it printed" };
    }
  }
  // A malformed %-escape in the path makes Next's router answer a bare 500 (dynamic params are
  // decoded there); refuse it here as bad input instead.
  try {
    decodeURIComponent((req.url ?? "/").split("?")[0]);
  } catch {
    return { status: 400, code: "validation", message: "the request path has a malformed %-escape" };
  }
  const len = Number(req.headers["content-length"] ?? "0");
  if (len > MAX_BODY_BYTES) return { status: 413, code: "too_large", message: `request body is over ${MAX_BODY_BYTES} bytes` };
  return null;
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export function sendRefusal(res: ServerResponse, r: Refusal): void {
  const body = errorBody(r.code, r.message);
  const headers: Record<string, string | number> = { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), connection: "close" };
  if (r.status === 401) headers["www-authenticate"] = 'Bearer realm="fleet-kanban"';
  res.writeHead(r.status, headers);
  res.end(body);
}

/**
 * GET /login?token=… — the one-time login link: a correct token sets an HttpOnly,
 * SameSite=Strict cookie and redirects to the board.
 */
export function handleLogin(req: IncomingMessage, res: ServerResponse, token: string | null): void {
  const url = new URL(req.url ?? "/", "http://x");
  const given = url.searchParams.get("token") ?? "";
  if (token === null) {
    res.writeHead(303, { location: "/" }).end();
    return;
  }
  if (!safeEqual(given, token)) {
    return sendRefusal(res, { status: 401, code: "unauthorized", message: "wrong or missing token in the login link" });
  }
  res.writeHead(303, {
    location: "/",
    "set-cookie": `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=31536000`,
    "cache-control": "no-store",
  });
  res.end();
}

/** Upgrades have no ServerResponse: write a raw HTTP response, then drop the socket. */
export function rejectUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = errorBody(code, message);
  const reason = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 413: "Payload Too Large" }[status] ?? "Error";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.once("finish", () => socket.destroy());
}

/**
 * Next answers a method a route does not export with a bare 405; on /api the body is our error
 * shape instead (every other reply there is JSON). Called before the request reaches Next.
 */
export function jsonMethodNotAllowed(req: IncomingMessage, res: ServerResponse): void {
  // Next starts that reply with writeHead(405) and ends it empty: the 405 gets our content type
  // before its headers go out, and end() sends the JSON body. A route's own 405 (it has a content
  // type) goes out untouched.
  let replaced = false;
  const take = (status: number, headers?: unknown) => {
    const typed = !!res.getHeader("content-type") || (!!headers && typeof headers === "object" && !Array.isArray(headers) && Object.keys(headers).some((k) => /^content-type$/i.test(k)));
    if (!replaced && status === 405 && !res.headersSent && !typed) {
      replaced = true;
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.removeHeader("content-length");
    }
    return replaced;
  };
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const headers = rest.find((x) => x && typeof x === "object");
    if (!take(status, headers)) return writeHead(status, ...rest);
    // Headers given here are applied first; ours win over theirs.
    if (headers && !Array.isArray(headers)) for (const [k, v] of Object.entries(headers)) if (!/^content-(type|length)$/i.test(k)) res.setHeader(k, v as string);
    return writeHead(status, typeof rest[0] === "string" ? rest[0] : undefined);
  }) as typeof res.writeHead;
  res.end = ((...args: unknown[]) => {
    if (!take(res.statusCode)) return end(...args);
    const path = (req.url ?? "/").split("?")[0];
    return end(errorBody("method_not_allowed", `${req.method} is not supported on ${path}`));
  }) as typeof res.end;
}
