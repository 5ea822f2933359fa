/**
 * Worker lifecycle verbs: claim, heartbeat, complete, block, unblock, reclaim. Inside a worker
 * (KANBAN_TASK, KANBAN_RUN_ID in the env) heartbeat/complete/block default to that task and are
 * fenced by that run, so a stale attempt cannot close a newer run.
 */
import type { Command } from "commander";
import type { CliContext } from "../context";
import { parseDuration, parseInteger, parseJsonObject, UsageError } from "../parse";
import { paint } from "../format";
import { BLOCK_KINDS } from "../../kernel/types";
import { forEachId, ReportedFailure, finishTermination } from "./common";

export function registerLifecycleVerbs(program: Command, ctx: CliContext) {
  program
    .command("claim")
    .description("claim a ready task (or the best ready one with --next) and open a run")
    .argument("[id]", "task id (omit with --next)")
    .option("--next", "claim the highest-priority ready task")
    .option("--assignee <profile>", "with --next: only this assignee's tasks")
    .option("--tenant <name>", "with --next: only this tenant's tasks")
    .option("--ttl <duration>", "lease length (default KANBAN_CLAIM_TTL_SECONDS or 15m)", (v) => parseDuration("--ttl", v))
    .option("--pid <pid>", "the worker process id, for crash detection", (v) => parseInteger("--pid", v, 1))
    .option("--json", "print {task, run_id, lock}")
    .addHelpText("after", `\nExamples:\n  kanban claim t_1a2b3c4d --json\n  kanban claim --next --assignee research --json`)
    .action((id: string | undefined, o) => {
      const k = ctx.kernel();
      if (!id && !o.next) throw new UsageError("claim: give a task id or --next");
      if (id && o.next) throw new UsageError("claim: give either a task id or --next, not both");
      const opts = { ttlSeconds: o.ttl, workerPid: o.pid };
      const r = id ? k.claim(id, opts) : k.claimNext({ assignee: o.assignee, tenant: o.tenant }, opts);
      if (!r) {
        // Nothing to claim is a failed operation (exit 1); --json still prints one document.
        if (o.json) ctx.json(null);
        ctx.out.err("kanban claim: no ready task to claim\n");
        throw new ReportedFailure();
      }
      if (o.json) ctx.json(r);
      else ctx.out.write(`claimed ${paint(ctx.out, "bold", r.task.id)} run ${r.run_id} lock ${r.lock}  ${r.task.title}\n`);
    });

  program
    .command("heartbeat")
    .description("tell the board the worker is alive (extends the claim)")
    .argument("[id]", "task id (default: $KANBAN_TASK)")
    .option("--note <text>", "what the worker is doing")
    .option("--run-id <n>", "fence: only if this run is still current", (v) => parseInteger("--run-id", v, 1))
    .option("--json")
    .addHelpText("after", `\nExample (inside a worker):\n  kanban heartbeat --note "tests passing, writing docs"`)
    .action((id: string | undefined, o) => {
      const tid = ctx.taskId(id, "heartbeat");
      const t = ctx.kernel().heartbeat(tid, { runId: ctx.fenceFor(tid, o.runId), note: o.note });
      if (o.json) ctx.json(t);
      else ctx.out.write(`heartbeat ${tid} (claim until ${new Date((t.claim_expires ?? 0) * 1000).toISOString()})\n`);
    });

  program
    .command("complete")
    .description("mark tasks done (closes the run with a summary)")
    .argument("[ids...]", "task ids (default: $KANBAN_TASK)")
    .option("--summary <text>", "what was done (one task only)")
    .option("--result <text>", "the result text (one task only)")
    .option("--metadata <json>", "a JSON object stored with the run (one task only)")
    .option("--run-id <n>", "fence: only if this run is still current", (v) => parseInteger("--run-id", v, 1))
    .addHelpText("after", `\nExamples:\n  kanban complete --summary "Fixed the OAuth callback" --metadata '{"files": 3}'\n  kanban complete t_1a2b3c4d t_5e6f7a8b`)
    .action((ids: string[], o) => {
      const list = ids.length ? ids : [ctx.taskId(undefined, "complete")];
      const handoff = o.summary !== undefined || o.result !== undefined || o.metadata !== undefined || o.runId !== undefined;
      if (list.length > 1 && handoff) {
        throw new UsageError("complete: --summary, --result, --metadata and --run-id apply to one task; give one id");
      }
      const metadata = o.metadata !== undefined ? parseJsonObject("--metadata", o.metadata) : undefined;
      forEachId(ctx, "complete", list, (id) => {
        const r = ctx.kernel().complete(id, { summary: o.summary, result: o.result, metadata, runId: ctx.fenceFor(id, o.runId) });
        ctx.out.write(`completed ${id}${r.promoted.length ? ` (promoted ${r.promoted.join(", ")})` : ""}\n`);
      });
    });

  program
    .command("block")
    .description("block a task with a reason (a human or unblock releases it)")
    .argument("<id-or-reason>", "task id, or the reason inside a worker")
    .argument("[reason]", "why it cannot go on")
    .option("--kind <kind>", `one of ${BLOCK_KINDS.join(", ")}`)
    .option("--run-id <n>", "fence: only if this run is still current", (v) => parseInteger("--run-id", v, 1))
    .addHelpText("after", `\nExamples:\n  kanban block t_1a2b3c4d "Need the staging API key" --kind needs_input\n  kanban block "Waiting for the schema migration" --kind dependency   # inside a worker`)
    .action((a: string, b: string | undefined, o) => {
      const [id, reason] = b === undefined ? [ctx.taskId(undefined, "block"), a] : [a, b];
      if (o.kind && !(BLOCK_KINDS as readonly string[]).includes(o.kind)) {
        throw new UsageError(`block: --kind must be one of ${BLOCK_KINDS.join(", ")}`);
      }
      const t = ctx.kernel().block(id, { reason, kind: o.kind, runId: ctx.fenceFor(id, o.runId) });
      ctx.out.write(`blocked ${id} → ${t.status}${t.status === "triage" ? " (same block kind twice: sent to triage)" : ""}\n`);
    });

  program
    .command("unblock")
    .description("release blocked (or scheduled) tasks back to ready")
    .argument("<ids...>")
    .addHelpText("after", `\nExample:\n  kanban unblock t_1a2b3c4d`)
    .action((ids: string[]) =>
      forEachId(ctx, "unblock", ids, (id) => {
        const t = ctx.kernel().unblock(id);
        ctx.out.write(`unblocked ${id} → ${t.status}\n`);
      }),
    );

  program
    .command("reclaim")
    .description("take a running task back: end its worker, close the run, task → ready")
    .argument("<id>")
    .option("--reason <text>", "recorded on the run")
    .addHelpText("after", `\nExample:\n  kanban reclaim t_1a2b3c4d --reason "worker is stuck in a loop"`)
    .action(async (id: string, o) => {
      const r = ctx.kernel().reclaim(id, o.reason);
      ctx.out.write(`reclaimed ${id}${r.signalled_pid ? ` (signalled worker ${r.signalled_pid})` : ""} → ready\n`);
      await finishTermination(r.signalled_pid);
    });
}
