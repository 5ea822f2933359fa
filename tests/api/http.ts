/**
 * HTTP helpers for the API test files: a small JSON client over fetch, raw node:http requests
 * (forged Host, no content type, chunked bodies), the error-shape assertion and a read-only dump
 * of every table so a refused request can be shown to change nothing.
 */
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { expect } from "vitest";
import type { RunningServer } from "../server-harness";

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

export type Body = unknown;

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Send this exact text as the body (no JSON encoding). */
  raw?: string;
}

/** A JSON client bound to one server. */
export function client(srv: RunningServer, defaults: Record<string, string> = {}) {
  async function call<T = any>(method: string, p: string, body?: Body, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const hasBody = body !== undefined || opts.raw !== undefined;
    const headers: Record<string, string> = { ...defaults, ...(hasBody ? { "content-type": "application/json" } : {}), ...opts.headers };
    const res = await fetch(srv.url + p, { method, headers, body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await res.text();
    let json: any;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }
  return {
    call,
    get: <T = any>(p: string, opts?: RequestOptions) => call<T>("GET", p, undefined, opts),
    post: <T = any>(p: string, body?: Body, opts?: RequestOptions) => call<T>("POST", p, body, opts),
    patch: <T = any>(p: string, body?: Body, opts?: RequestOptions) => call<T>("PATCH", p, body, opts),
    del: <T = any>(p: string, body?: Body, opts?: RequestOptions) => call<T>("DELETE", p, body, opts),
  };
}
export type Client = ReturnType<typeof client>;

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  /** A body sent in one piece (Content-Length set by node unless chunked is asked for). */
  body?: string | Buffer;
  /** Body pieces sent with `Transfer-Encoding: chunked`. */
  chunks?: (string | Buffer)[];
  /** Send no Host header at all. */
  omitHost?: boolean;
}

/**
 * One request over a fresh connection (no keep-alive agent), so a refusal that closes the socket
 * cannot disturb another test. Resolves with the response even if the server resets the
 * connection after answering (it does when it stops reading an oversize body).
 */
export function rawRequest(port: number, r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => finish(new Error(`no response to ${r.method ?? "GET"} ${r.path} in 10 s`)), 10_000);
    function finish(e: Error | null, v?: RawResponse) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (e) reject(e);
      else resolve(v!);
    }
    const headers: Record<string, string | number> = { ...r.headers };
    if (r.chunks) headers["transfer-encoding"] = "chunked";
    // Node frames a DELETE body only when told its length (it would otherwise send it unframed).
    else if (r.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === "content-length")) headers["content-length"] = Buffer.byteLength(r.body);
    const req = http.request({ host: "127.0.0.1", port, method: r.method ?? "GET", path: r.path, headers, agent: false, setHost: !r.omitHost }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      const done = () => {
        let json: any;
        try {
          json = text === "" ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        finish(null, { status: res.statusCode ?? 0, headers: res.headers, text, json });
      };
      res.on("end", done);
      res.on("aborted", done);
      res.on("error", done);
    });
    req.on("error", (e) => {
      // EPIPE/ECONNRESET while still writing: the answer may already be on its way.
      setTimeout(() => finish(e), 200);
    });
    if (r.chunks) {
      for (const c of r.chunks) req.write(c);
      req.end();
    } else {
      req.end(r.body);
    }
  });
}

/** `{"error": {"code", "message", "details"?}}` and nothing else, as JSON. */
export function expectError(res: { status: number; json: any; text: string; headers: Headers | http.IncomingHttpHeaders }, status: number, code: string): void {
  const ctx = `${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, ctx).toBe(status);
  const ct = res.headers instanceof Headers ? res.headers.get("content-type") : res.headers["content-type"];
  expect(ct ?? "", ctx).toMatch(/^application\/json/);
  expect(res.json, ctx).toBeTypeOf("object");
  expect(Object.keys(res.json), ctx).toEqual(["error"]);
  const err = res.json.error;
  expect(err.code, ctx).toBe(code);
  expect(err.message, ctx).toBeTypeOf("string");
  expect(err.message.length, ctx).toBeGreaterThan(0);
  for (const k of Object.keys(err)) expect(["code", "message", "details"], ctx).toContain(k);
}

export const TABLES = ["tasks", "task_links", "task_comments", "task_events", "task_runs", "kanban_notify_subs"] as const;

/** A read-only view of the server's database file. */
export function openDump(home: string) {
  const db = new Database(path.join(home, "kanban.db"), { readonly: true, fileMustExist: true });
  return {
    db,
    /** Every row of every table, as one JSON string. */
    dump(): string {
      return JSON.stringify(Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()])));
    },
    close() {
      db.close();
    },
  };
}
export type Dumper = ReturnType<typeof openDump>;

/** 1 MiB, the documented body limit. */
export const MiB = 1024 * 1024;

/** A JSON text of exactly `bytes` bytes: `<head>aaa…"}` (by default `{"title":"x","body":"aaa…"}`). */
export function jsonOfSize(bytes: number, head = '{"title":"x","body":"'): string {
  const tail = '"}';
  return head + "a".repeat(bytes - head.length - tail.length) + tail;
}

/** The same JSON text cut into 64 KiB chunks (for Transfer-Encoding: chunked). */
export function chunksOf(text: string, size = 64 * 1024): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
