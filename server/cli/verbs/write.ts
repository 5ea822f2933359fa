/** Verbs that change tasks: create, edit, assign, link, unlink, comment, archive, delete. */
import fs from "node:fs";
import type { Command } from "commander";
import type { CliContext } from "../context";
import { collect, parseDuration, parseInteger, parseNumber, parseWhen, parseWorkspace, UsageError } from "../parse";
import { paint, statusLabel } from "../format";
import type { Task } from "../../kernel/types";
import { forEachId, finishTermination } from "./common";

function readBody(v: string | undefined): string | undefined {
  if (v !== "-") return v;
  try {
    return fs.readFileSync(0, "utf8");
  } catch (e) {
    throw new UsageError(`--body -: cannot read standard input (${(e as Error).message})`);
  }
}

function taskLine(ctx: CliContext, verb: string, t: Task): string {
  return `${verb} ${paint(ctx.out, "bold", t.id)} ${statusLabel(ctx.out, t.status)}  ${t.title}\n`;
}

export function registerWriteVerbs(program: Command, ctx: CliContext) {
  program
    .command("create")
    .description("create a task")
    .argument("<title>", "the task title")
    .option("--body <markdown>", "task body (markdown); `-` reads standard input")
    .option("--assignee <profile>", "profile (or lane) that should do it")
    .option("--parent <id>", "a parent task this one depends on (repeatable)", collect, [])
    .option("--workspace <spec>", "scratch | dir:<abs path> | worktree[:<abs path>]")
    .option("--branch <name>", "git branch for a worktree workspace")
    .option("--tenant <name>", "tenant label (inherited from KANBAN_TENANT inside a worker)")
    .option("--priority <n>", "priority, higher first", (v) => parseInteger("--priority", v))
    .option("--triage", "park it in triage (never promoted automatically)")
    .option("--idempotency-key <key>", "return the existing task with this key instead of creating another")
    .option("--max-runtime <duration>", "kill the worker after this long (90s, 5m, 2h)", (v) => parseDuration("--max-runtime", v))
    .option("--max-retries <n>", "give up after this many consecutive failures", (v) => parseInteger("--max-retries", v, 1))
    .option("--skill <name>", "a skill the worker must load (repeatable)", collect, [])
    .option("--scheduled-at <when>", "do not start before this time (ISO date-time or +30m, +2h)")
    .option("--json", "print the task as JSON")
    .addHelpText("after", `\nExamples:\n  kanban create "Fix the login bug" --assignee backend-dev --priority 2\n  id=$(kanban create "Write tests" --parent t_1a2b3c4d --json | jq -r .id)\n  git log -1 --format=%B | kanban create "Review last commit" --body -`)
    .action((title: string, o) => {
      const k = ctx.kernel();
      const ws = o.workspace ? parseWorkspace(o.workspace) : { workspace_kind: undefined, workspace_path: undefined };
      const r = k.create({
        title,
        body: readBody(o.body),
        assignee: o.assignee,
        parents: o.parent,
        ...ws,
        branch_name: o.branch,
        tenant: o.tenant ?? ctx.env.KANBAN_TENANT ?? undefined,
        priority: o.priority,
        triage: !!o.triage,
        idempotency_key: o.idempotencyKey,
        max_runtime_seconds: o.maxRuntime,
        max_retries: o.maxRetries,
        skills: o.skill.length ? o.skill : undefined,
        scheduled_at: o.scheduledAt ? parseWhen("--scheduled-at", o.scheduledAt, k.ctx.now()) : undefined,
        created_by: ctx.actor,
      });
      if (o.json) ctx.json(r.task);
      else ctx.out.write(taskLine(ctx, r.created ? "created" : "exists ", r.task));
    });

  program
    .command("edit")
    .description("edit a task's fields, or move it to another status")
    .argument("<id>", "task id")
    .option("--title <text>")
    .option("--body <markdown>", "`-` reads standard input")
    .option("--priority <n>", "", (v) => parseInteger("--priority", v))
    .option("--tenant <name>", "tenant label (empty string clears it)")
    .option("--skill <name>", "replace the skills (repeatable; --skill '' clears)", collect)
    .option("--max-runtime <duration>", "", (v) => parseDuration("--max-runtime", v))
    .option("--max-retries <n>", "", (v) => parseInteger("--max-retries", v, 1))
    .option("--scheduled-at <when>", "ISO date-time, +30m, or 'none' to clear")
    .option("--position <n>", "manual order within the column", (v) => parseNumber("--position", v))
    .option("--status <status>", "move: triage|todo|ready|review|done|blocked|archived (done needs --summary, blocked --reason)")
    .option("--summary <text>", "completion summary when moving to done")
    .option("--reason <text>", "reason when moving to blocked")
    .option("--json", "print the task as JSON")
    .addHelpText("after", `\nExamples:\n  kanban edit t_1a2b3c4d --priority 5 --title "Fix login (urgent)"\n  kanban edit t_1a2b3c4d --status review`)
    .action((id: string, o) => {
      const k = ctx.kernel();
      const fields: Record<string, unknown> = {};
      if (o.title !== undefined) fields.title = o.title;
      if (o.body !== undefined) fields.body = readBody(o.body);
      if (o.priority !== undefined) fields.priority = o.priority;
      if (o.tenant !== undefined) fields.tenant = o.tenant;
      if (o.skill !== undefined) fields.skills = (o.skill as string[]).filter(Boolean);
      if (o.maxRuntime !== undefined) fields.max_runtime_seconds = o.maxRuntime;
      if (o.maxRetries !== undefined) fields.max_retries = o.maxRetries;
      if (o.position !== undefined) fields.position = o.position;
      if (o.scheduledAt !== undefined) fields.scheduled_at = o.scheduledAt === "none" ? null : parseWhen("--scheduled-at", o.scheduledAt, k.ctx.now());
      if (Object.keys(fields).length === 0 && !o.status) throw new UsageError("edit: nothing to change (give --title, --priority, --status, ...)");
      let t = Object.keys(fields).length ? k.edit(id, fields) : k.task(id);
      if (o.status) t = k.move(id, { status: o.status, summary: o.summary, reason: o.reason });
      if (o.json) ctx.json(t);
      else ctx.out.write(taskLine(ctx, "edited", t));
    });

  program
    .command("assign")
    .description("assign a task to a profile (or `none` to unassign)")
    .argument("<id>")
    .argument("<assignee>", "profile name, or none")
    .option("--json")
    .addHelpText("after", `\nExample:\n  kanban assign t_1a2b3c4d backend-dev`)
    .action((id: string, assignee: string, o) => {
      const t = ctx.kernel().assign(id, assignee === "none" ? null : assignee);
      if (o.json) ctx.json(t);
      else ctx.out.write(taskLine(ctx, "assigned", t).replace(/\n$/, `  → ${t.assignee ?? "(nobody)"}\n`));
    });

  for (const [verb, desc] of [["link", "make <child> depend on <parent>"], ["unlink", "remove the dependency of <child> on <parent>"]] as const) {
    program
      .command(verb)
      .description(desc)
      .argument("<parent>")
      .argument("<child>")
      .option("--json")
      .addHelpText("after", `\nExample:\n  kanban ${verb} t_parent01 t_child002`)
      .action((parent: string, child: string, o) => {
        const k = ctx.kernel();
        const r = verb === "link" ? k.link(parent, child) : k.unlink(parent, child);
        if (o.json) ctx.json({ ...r, child_status: k.task(child).status });
        else ctx.out.write(`${verb === "link" ? (r.linked ? "linked" : "already linked") : "unlinked"} ${parent} → ${child} (child is ${k.task(child).status})\n`);
      });
  }

  program
    .command("comment")
    .description("add a comment to a task")
    .argument("<id>")
    .argument("<body...>", "comment text (markdown)")
    .option("--author <name>", "defaults to the worker's profile or $USER")
    .option("--json")
    .addHelpText("after", `\nExample:\n  kanban comment t_1a2b3c4d "Tried the staging key; still 401."`)
    .action((id: string, body: string[], o) => {
      const c = ctx.kernel().comment(id, o.author ?? ctx.actor, body.join(" "));
      if (o.json) ctx.json(c);
      else ctx.out.write(`commented on ${id} as ${c.author}\n`);
    });

  program
    .command("archive")
    .description("archive tasks (hidden from the board; counts as a done parent)")
    .argument("<ids...>")
    .addHelpText("after", `\nExample:\n  kanban archive t_1a2b3c4d t_5e6f7a8b`)
    .action(async (ids: string[]) => {
      const pids: (number | null)[] = [];
      try {
        forEachId(ctx, "archive", ids, (id) => {
          const r = ctx.kernel().archive(id);
          pids.push(r.signalled_pid);
          ctx.out.write(`archived ${id}${r.promoted.length ? ` (promoted ${r.promoted.join(", ")})` : ""}\n`);
        });
      } finally {
        await Promise.all(pids.map((p) => finishTermination(p)));
      }
    });

  program
    .command("delete")
    .description("delete tasks with their links, comments, events and runs")
    .argument("<ids...>")
    .addHelpText("after", `\nExample:\n  kanban delete t_1a2b3c4d`)
    .action(async (ids: string[]) => {
      const pids: (number | null)[] = [];
      try {
        forEachId(ctx, "delete", ids, (id) => {
          pids.push(ctx.kernel().delete(id).signalled_pid);
          ctx.out.write(`deleted ${id}\n`);
        });
      } finally {
        await Promise.all(pids.map((p) => finishTermination(p)));
      }
    });
}
