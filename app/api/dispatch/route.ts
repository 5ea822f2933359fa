import { route } from "@/server/http/route";
import { queryOf, readJson } from "@/server/http/body";
import { boolParam, intParam } from "@/server/http/params";
import { Dispatcher } from "@/server/dispatcher/dispatcher";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /api/dispatch?dry_run=1&max=N — one dispatcher tick now; the report explains, for each
 * ready task, whether it starts and why not. Uses the in-server dispatcher when it runs, else a
 * one-off one (its workers then run unsupervised, found later by pid like any orphan).
 */
export const POST = route(
  async (req, { rt }) => {
    await readJson(req); // a body, if any, must be JSON like every write
    const q = queryOf(req);
    const opts = { dryRun: boolParam(q, "dry_run"), max: intParam(q, "max", { min: 1, max: 1000 }) };
    if (rt.dispatcher) return rt.dispatcher.tick(opts);
    const d = new Dispatcher({ kernel: rt.kernel, config: rt.config, paths: rt.paths, superviseChildren: false });
    try {
      return d.tick(opts);
    } finally {
      d.stop();
    }
  },
  { write: true },
);
