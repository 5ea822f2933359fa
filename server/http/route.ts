/**
 * Route handler wrapper: every API handler is `guard → parse → kernel → response`; this adds
 * the error mapping and the live nudge after writes, so handlers stay a few lines each.
 */
import { getRuntime, type Runtime } from "../runtime";
import { toResponse } from "./errors";

type Params = Record<string, string>;
type Handler = (req: Request, ctx: { params: Params; rt: Runtime }) => Promise<Response | unknown> | Response | unknown;

export function route(fn: Handler, opts: { write?: boolean } = {}) {
  return async (req: Request, nextCtx: { params: Promise<Params> }): Promise<Response> => {
    try {
      const rt = getRuntime();
      const params = (await nextCtx?.params) ?? {};
      const out = await fn(req, { params, rt });
      // Writes land in task_events; wake the WebSocket hub now instead of at its next poll.
      if (opts.write) {
        rt.notify?.();
        rt.dispatcher?.soon(); // a task may have become ready: start it now, not at the next poll
      }
      return out instanceof Response ? out : Response.json(out);
    } catch (e) {
      return toResponse(e);
    }
  };
}

export function created(body: unknown): Response {
  return Response.json(body, { status: 201 });
}
