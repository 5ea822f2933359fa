/**
 * Task operations (SPEC §9): POST /api/tasks/:id/{comments,claim,heartbeat,complete,block,
 * unblock,reclaim,archive} and GET /api/tasks/:id/{log,context,runs,events}. Remote workers send
 * `run_id` with heartbeat/complete/block; a stale one is a 409 and changes nothing.
 */
import fs from "node:fs";
import path from "node:path";
import { route, created } from "@/server/http/route";
import { jsonBody, queryOf } from "@/server/http/body";
import { intParam } from "@/server/http/params";
import { HttpError } from "@/server/http/errors";
import type { Runtime } from "@/server/runtime";
import {
  blockSchema, claimSchema, commentSchema, completeSchema, emptySchema, heartbeatSchema, reclaimSchema,
} from "@/lib/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Op = (req: Request, rt: Runtime, id: string) => Promise<unknown>;

const POSTS: Record<string, Op> = {
  comments: async (req, rt, id) => {
    const b = await jsonBody(req, commentSchema);
    return created(rt.kernel.comment(id, b.author ?? "web", b.body));
  },
  claim: async (req, rt, id) => {
    const b = await jsonBody(req, claimSchema);
    return rt.kernel.claim(id, { ttlSeconds: b.ttl_seconds ?? undefined, workerPid: b.worker_pid ?? undefined, lockSuffix: b.lock_suffix ?? undefined });
  },
  heartbeat: async (req, rt, id) => {
    const b = await jsonBody(req, heartbeatSchema);
    return rt.kernel.heartbeat(id, { runId: b.run_id, note: b.note });
  },
  complete: async (req, rt, id) => {
    const b = await jsonBody(req, completeSchema);
    return rt.kernel.complete(id, { runId: b.run_id, summary: b.summary, result: b.result, metadata: b.metadata });
  },
  block: async (req, rt, id) => {
    const b = await jsonBody(req, blockSchema);
    return rt.kernel.block(id, { runId: b.run_id, reason: b.reason, kind: b.kind });
  },
  unblock: async (req, rt, id) => {
    await jsonBody(req, emptySchema);
    return rt.kernel.unblock(id);
  },
  reclaim: async (req, rt, id) => {
    const b = await jsonBody(req, reclaimSchema);
    return rt.kernel.reclaim(id, b.reason);
  },
  archive: async (req, rt, id) => {
    await jsonBody(req, emptySchema);
    return rt.kernel.archive(id);
  },
};

const LOG_TAIL_MAX = 1024 * 1024;

const GETS: Record<string, Op> = {
  runs: async (_req, rt, id) => rt.kernel.runs(id),
  events: async (req, rt, id) => rt.kernel.events(id, intParam(queryOf(req), "limit", { min: 1, max: 10_000, def: 500 })),
  context: async (_req, rt, id) => ({ task_id: id, markdown: rt.kernel.context(id) }),
  /** The worker log as text (never HTML): the last `tail` lines, at most 1 MiB from the end. */
  log: async (req, rt, id) => {
    const tail = intParam(queryOf(req), "tail", { min: 1, max: 100_000 });
    rt.kernel.task(id); // 404 for an unknown task
    const file = path.join(rt.paths.logs, `${id}.log`);
    let text = "";
    let size = 0;
    let exists = false;
    try {
      const st = fs.statSync(file);
      exists = st.isFile();
      size = st.size;
      if (exists) {
        const fd = fs.openSync(file, "r");
        try {
          const len = Math.min(size, LOG_TAIL_MAX);
          const buf = Buffer.alloc(len);
          fs.readSync(fd, buf, 0, len, size - len);
          text = buf.toString("utf8");
        } finally {
          fs.closeSync(fd);
        }
      }
    } catch {
      exists = false;
    }
    if (tail && text) {
      const lines = text.split("\n");
      if (lines.at(-1) === "") lines.pop();
      text = lines.slice(-tail).join("\n") + "\n";
    }
    return { task_id: id, exists, size, truncated: size > LOG_TAIL_MAX, text };
  },
};

function dispatch(table: Record<string, Op>, method: string) {
  return async (req: Request, { params, rt }: { params: Record<string, string>; rt: Runtime }) => {
    const op = table[params.action];
    if (!op) {
      const other = method === "POST" ? GETS : POSTS;
      if (other[params.action]) throw new HttpError(405, "method_not_allowed", `${params.action} takes ${method === "POST" ? "GET" : "POST"}`);
      throw new HttpError(404, "not_found", `no task operation "${params.action}"`);
    }
    return op(req, rt, params.id);
  };
}

export const POST = route(dispatch(POSTS, "POST"), { write: true });
export const GET = route(dispatch(GETS, "GET"));
