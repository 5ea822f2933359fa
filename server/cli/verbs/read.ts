/** Read verbs: list, show, context, runs, log, stats, assignees. `--json` prints one document. */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import type { CliContext } from "../context";
import { collect, parseInteger, splitList, UsageError } from "../parse";
import { isoTime, paint, relTime, statusLabel, table, truncate } from "../format";
import { STATUSES, type Task } from "../../kernel/types";
import { ReportedFailure } from "./common";
import { readStatus } from "../../dispatcher/status";

function taskRows(ctx: CliContext, tasks: Task[], now: number): string {
  return table(
    ctx.out,
    ["ID", "STATUS", "PRI", "ASSIGNEE", "TENANT", "AGE", "TITLE"],
    tasks.map((t) => [
      t.id, statusLabel(ctx.out, t.status), String(t.priority ?? 0), t.assignee ?? "—", t.tenant ?? "", relTime(t.created_at, now), t.title,
    ]),
    6,
  );
}

export function registerReadVerbs(program: Command, ctx: CliContext) {
  program
    .command("list")
    .alias("ls")
    .description("list tasks (archived hidden unless --archived)")
    .option("--status <s>", `filter by status (repeatable or comma-separated: ${STATUSES.join(",")})`, collect, [])
    .option("--assignee <profile>", "filter by assignee (`none` for unassigned)")
    .option("--tenant <name>", "filter by tenant")
    .option("--archived", "include archived tasks")
    .option("--sort <key>", "priority | created | updated | id", "priority")
    .option("--limit <n>", "at most n tasks", (v) => parseInteger("--limit", v, 1))
    .option("--json", "print an array of task objects")
    .addHelpText("after", `\nExamples:\n  kanban ls --status ready,running --assignee backend-dev\n  kanban list --json | jq '.[] | select(.priority > 2) | .id'`)
    .action((o) => {
      const statuses = splitList(o.status);
      for (const s of statuses) if (!(STATUSES as readonly string[]).includes(s)) throw new UsageError(`--status: unknown status "${s}" (${STATUSES.join(", ")})`);
      if (!["priority", "created", "updated", "id"].includes(o.sort)) throw new UsageError(`--sort: "${o.sort}" must be priority, created, updated or id`);
      const k = ctx.kernel();
      const tasks = k.list({ status: statuses.length ? statuses : undefined, assignee: o.assignee, tenant: o.tenant, includeArchived: !!o.archived, sort: o.sort, limit: o.limit });
      if (o.json) return ctx.json(tasks);
      if (tasks.length === 0) return ctx.out.write(paint(ctx.out, "dim", "no tasks\n"));
      ctx.out.write(taskRows(ctx, tasks, k.ctx.now()));
    });

  program
    .command("show")
    .description("show a task: body, dependencies, comments, runs and events")
    .argument("<id>")
    .option("--json", "print {task, parents, children, comments, events, runs, child_results}")
    .addHelpText("after", `\nExample:\n  kanban show t_1a2b3c4d`)
    .action((id: string, o) => {
      const k = ctx.kernel();
      const d = k.detail(id);
      if (o.json) return ctx.json(d);
      const now = k.ctx.now();
      const t = d.task;
      const out = ctx.out;
      const lines: string[] = [];
      lines.push(`${paint(out, "bold", t.title)}`);
      lines.push(`${t.id}  ${statusLabel(out, t.status)}  priority ${t.priority ?? 0}  ${t.assignee ? "@" + t.assignee : "unassigned"}${t.tenant ? "  tenant " + t.tenant : ""}`);
      lines.push(paint(out, "dim", `created ${relTime(t.created_at, now)} by ${t.created_by ?? "?"}` + (t.started_at ? `, started ${relTime(t.started_at, now)}` : "") + (t.completed_at ? `, completed ${relTime(t.completed_at, now)}` : "")));
      if (t.skills.length) lines.push(`skills: ${t.skills.join(", ")}`);
      lines.push(`workspace: ${t.workspace_kind}${t.workspace_path ? " " + t.workspace_path : ""}${t.branch_name ? " (branch " + t.branch_name + ")" : ""}`);
      if (t.status === "running") lines.push(`claim: ${t.claim_lock} until ${isoTime(t.claim_expires)}; heartbeat ${relTime(t.last_heartbeat_at, now)}; pid ${t.worker_pid ?? "—"}`);
      if (t.scheduled_at) lines.push(`scheduled: ${isoTime(t.scheduled_at)} (${relTime(t.scheduled_at, now)})`);
      if (t.consecutive_failures) lines.push(paint(out, "red", `failures: ${t.consecutive_failures}${t.last_failure_error ? " — " + t.last_failure_error : ""}`));
      lines.push("", t.body?.trim() ? t.body.trim() : paint(out, "dim", "(no body)"), "");
      if (t.result) lines.push(paint(out, "bold", "Result"), t.result, "");
      const rel = (label: string, list: Task[]) => {
        if (!list.length) return;
        lines.push(paint(out, "bold", label));
        for (const x of list) lines.push(`  ${x.id}  ${statusLabel(out, x.status)}  ${x.title}`);
        lines.push("");
      };
      rel("Parents", d.parents);
      rel("Children", d.children);
      if (d.comments.length) {
        lines.push(paint(out, "bold", `Comments (${d.comments.length})`));
        for (const c of d.comments) lines.push(`  ${paint(out, "cyan", c.author)} ${paint(out, "dim", relTime(c.created_at, now))}`, ...c.body.split("\n").map((l) => "    " + l));
        lines.push("");
      }
      if (d.runs.length) {
        lines.push(paint(out, "bold", `Runs (${d.runs.length})`));
        for (const r of d.runs) {
          const dur = r.ended_at != null ? `${r.ended_at - r.started_at}s` : `${now - r.started_at}s so far`;
          lines.push(`  #${r.id}  ${r.outcome ?? "running"}  ${r.profile ?? "—"}  ${relTime(r.started_at, now)}  ${dur}`);
          if (r.summary) lines.push(`      summary: ${truncate(r.summary.replace(/\s+/g, " "), 200)}`);
          if (r.error) lines.push(paint(out, "red", `      error: ${truncate(r.error.replace(/\s+/g, " "), 200)}`));
          if (r.metadata != null) lines.push(`      metadata: ${truncate(JSON.stringify(r.metadata), 200)}`);
        }
        lines.push("");
      }
      lines.push(paint(out, "bold", `Events (${d.events.length})`));
      for (const e of d.events.slice(-20)) lines.push(`  ${paint(out, "dim", isoTime(e.created_at))}  ${e.kind}${e.payload ? "  " + truncate(JSON.stringify(e.payload), 120) : ""}`);
      out.write(lines.join("\n") + "\n");
    });

  program
    .command("context")
    .description("print the worker brief for a task (markdown)")
    .argument("[id]", "task id (default: $KANBAN_TASK)")
    .option("--json", "print {task_id, markdown}")
    .addHelpText("after", `\nExample:\n  kanban context t_1a2b3c4d | less`)
    .action((id: string | undefined, o) => {
      const tid = ctx.taskId(id, "context");
      const md = ctx.kernel().context(tid);
      if (o.json) ctx.json({ task_id: tid, markdown: md });
      else ctx.out.write(md);
    });

  program
    .command("runs")
    .description("list a task's runs (attempts)")
    .argument("<id>")
    .option("--json", "print an array of runs")
    .addHelpText("after", `\nExample:\n  kanban runs t_1a2b3c4d --json | jq '.[-1].outcome'`)
    .action((id: string, o) => {
      const k = ctx.kernel();
      const runs = k.runs(id);
      if (o.json) return ctx.json(runs);
      if (!runs.length) return ctx.out.write(paint(ctx.out, "dim", `no runs for ${id}\n`));
      const now = k.ctx.now();
      ctx.out.write(
        table(ctx.out, ["RUN", "OUTCOME", "PROFILE", "STARTED", "DURATION", "SUMMARY / ERROR"],
          runs.map((r) => [String(r.id), r.outcome ?? "running", r.profile ?? "—", relTime(r.started_at, now), `${(r.ended_at ?? now) - r.started_at}s`, (r.summary ?? r.error ?? "").replace(/\s+/g, " ")]), 5),
      );
    });

  program
    .command("log")
    .description("print a task's worker log")
    .argument("<id>")
    .option("--tail <n>", "only the last n lines", (v) => parseInteger("--tail", v, 1))
    .addHelpText("after", `\nExample:\n  kanban log t_1a2b3c4d --tail 50`)
    .action((id: string, o) => {
      const k = ctx.kernel();
      k.task(id); // a clear not_found for an unknown id
      if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new UsageError(`log: "${id}" is not a task id`);
      const file = path.join(ctx.paths.logs, `${id}.log`);
      let text: string;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch {
        ctx.out.err(`kanban log: no worker log for ${id} yet (${file})\n`);
        throw new ReportedFailure();
      }
      if (o.tail) {
        const lines = text.split("\n");
        if (lines.at(-1) === "") lines.pop();
        text = lines.slice(-o.tail).join("\n") + "\n";
      }
      ctx.out.write(text);
    });

  program
    .command("stats")
    .description("counts by status and assignee, run outcomes, oldest ready task")
    .option("--json", "print {by_status, by_assignee, ...}")
    .addHelpText("after", `\nExample:\n  kanban stats --json | jq .by_status`)
    .action((o) => {
      const s = { ...ctx.kernel().stats(), dispatcher: readStatus(ctx.paths.db) };
      if (o.json) return ctx.json(s);
      const out = ctx.out;
      out.write(table(out, ["STATUS", "TASKS"], STATUSES.map((st) => [statusLabel(out, st), String(s.by_status[st] ?? 0)])));
      out.write(`\ntotal ${s.total}, running ${s.running}, ready but unassigned ${s.ready_unassigned}` +
        (s.oldest_ready_age_seconds != null ? `, oldest ready waiting ${relTime(0, s.oldest_ready_age_seconds).replace(" ago", "")}` : "") + "\n");
      const outcomes = Object.entries(s.runs_by_outcome);
      if (outcomes.length) out.write(`runs: ${outcomes.map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
      const d = s.dispatcher;
      if (!d) out.write(paint(out, "dim", "dispatcher: has not ticked on this database yet\n"));
      else if (d.stuck) out.write(paint(out, "red", `dispatcher STUCK: ${d.stuck_reason}`) + "\n");
      else out.write(`dispatcher: last tick ${relTime(d.last_tick_at, ctx.kernel().ctx.now())} (pid ${d.pid} on ${d.host})\n`);
    });

  program
    .command("assignees")
    .description("every assignee with task counts by status")
    .option("--json")
    .addHelpText("after", `\nExample:\n  kanban assignees`)
    .action((o) => {
      const list = ctx.kernel().assignees();
      if (o.json) return ctx.json(list);
      if (!list.length) return ctx.out.write(paint(ctx.out, "dim", "no assignees yet\n"));
      ctx.out.write(table(ctx.out, ["ASSIGNEE", "READY", "RUNNING", "BLOCKED", "DONE", "TOTAL"],
        list.map((a) => [a.assignee, String(a.counts.ready ?? 0), String(a.running), String(a.counts.blocked ?? 0), String(a.counts.done ?? 0), String(a.total)])));
    });
}
