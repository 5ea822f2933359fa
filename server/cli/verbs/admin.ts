/** Setup and housekeeping verbs: init, serve, dispatch, daemon, gc, completion. */
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import type { CliContext } from "../context";
import { parseInteger, UsageError } from "../parse";
import { KanbanError } from "../../kernel/errors";
import { ReportedFailure } from "./common";
import { completionScript } from "../completion";
import { Dispatcher, type TickReport } from "../../dispatcher/dispatcher";
import { paint } from "../format";

async function makeDispatcher(ctx: CliContext, supervise: boolean): Promise<Dispatcher> {
  const config = await ctx.config();
  const kernel = ctx.kernel();
  return new Dispatcher({
    kernel, config, paths: ctx.paths, superviseChildren: supervise,
    log: (m) => ctx.out.err(m + "\n"),
  });
}

function printTick(ctx: CliContext, r: TickReport) {
  const out = ctx.out;
  if (r.skipped) {
    out.err(`kanban dispatch: ${r.reason}\n`);
    return;
  }
  for (const a of r.liveness) out.write(`${a.action} ${a.task_id}${a.pid ? ` (pid ${a.pid})` : ""}\n`);
  for (const d of r.decisions) {
    const mark = d.decision === "spawn" ? paint(out, "green", r.dry_run ? "would start" : "started") : paint(out, "dim", "skip");
    out.write(`${mark} ${d.task_id} ${d.assignee ?? "(unassigned)"}: ${d.reason}\n`);
  }
  for (const f of r.failed) out.write(paint(out, "red", `failed ${f.task_id}: ${f.error}`) + "\n");
  if (!r.decisions.length && !r.liveness.length) out.write(paint(out, "dim", "nothing to do: no ready tasks\n"));
  if (r.stuck) out.write(paint(out, "red", `dispatcher stuck: ${r.stuck_reason}`) + "\n");
}

const CONFIG_TEMPLATE = `# Fleet Kanban configuration (SPEC §2). Every key is optional; an invalid file is refused at start.
# dispatch:
#   interval_seconds: 60          # the server also ticks at once when a task becomes ready
#   failure_limit: 2              # consecutive failures before a task is blocked (gave_up)
#   max_in_progress: 8            # board-wide running cap
#   crash_grace_seconds: 30
#   stale_timeout_seconds: 14400  # 0 = off
# logs:
#   rotate_bytes: 2097152
#   backups: 1
# board:
#   lanes_by_profile: true
# profiles:
#   backend-dev:
#     command: ["claude", "-p", "{prompt}"]   # argv template; never run through a shell
#     max_in_progress: 2
`;

/** The repository root (this file is bundled into <root>/dist/cli/). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (fs.existsSync(path.join(dir, "server.ts")) && fs.existsSync(path.join(dir, "package.json"))) return dir;
    dir = path.dirname(dir);
  }
  throw new KanbanError("not_found", "cannot find the Fleet Kanban installation (server.ts) next to this CLI");
}

/** Removes a directory under `root` only; never follows a symlink out of it. */
function removeContained(root: string, target: string): boolean {
  const realRoot = fs.realpathSync(root);
  const st = fs.lstatSync(target);
  if (st.isSymbolicLink()) {
    fs.unlinkSync(target); // the link itself lives under the root; what it points to is left alone
    return true;
  }
  const real = fs.realpathSync(target);
  if (!real.startsWith(realRoot + path.sep)) return false;
  fs.rmSync(real, { recursive: true, force: true });
  return true;
}

export function registerAdminVerbs(program: Command, ctx: CliContext) {
  program
    .command("init")
    .description("create KANBAN_HOME, the database and a commented config.yaml")
    .option("--json")
    .addHelpText("after", `\nExample:\n  KANBAN_HOME=~/boards/acme kanban init`)
    .action((o) => {
      const p = ctx.paths;
      fs.mkdirSync(p.home, { recursive: true });
      const existed = fs.existsSync(p.db) && fs.statSync(p.db).size > 0;
      ctx.allowCreate = true;
      ctx.kernel();
      let wroteConfig = false;
      if (!fs.existsSync(p.config)) {
        fs.writeFileSync(p.config, CONFIG_TEMPLATE, { mode: 0o644 });
        wroteConfig = true;
      }
      fs.mkdirSync(p.workspaces, { recursive: true });
      fs.mkdirSync(p.logs, { recursive: true });
      const doc = { home: p.home, db: p.db, config: p.config, workspaces: p.workspaces, logs: p.logs, created_db: !existed, created_config: wroteConfig };
      if (o.json) return ctx.json(doc);
      ctx.out.write(`${existed ? "using existing" : "created"} database ${p.db}\n${wroteConfig ? "wrote" : "kept"} ${p.config}\nworkspaces ${p.workspaces}\nlogs ${p.logs}\n`);
    });

  program
    .command("serve")
    .description("start the board server (UI, REST API, WebSocket, dispatcher)")
    .option("--host <host>", "address to bind (default 127.0.0.1)")
    .option("--port <port>", "port (default 4777)", (v) => String(parseInteger("--port", v, 0)))
    .option("--no-dispatch", "do not run the dispatcher inside the server")
    .addHelpText("after", `\nExample:\n  kanban serve --port 8080`)
    .action(async (o) => {
      const root = repoRoot();
      const env = { ...ctx.env, NODE_ENV: "production" } as NodeJS.ProcessEnv;
      if (o.host) env.HOST = o.host;
      if (o.port) env.PORT = o.port;
      if (o.dispatch === false) env.KANBAN_DISPATCH = "0";
      env.KANBAN_DB = ctx.paths.db;
      if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
        throw new KanbanError("not_found", `the board is not built yet: run \`npm run build\` in ${root} first`);
      }
      const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server.ts")], { cwd: root, env, stdio: "inherit" });
      const forward = (sig: NodeJS.Signals) => child.kill(sig);
      process.on("SIGINT", forward);
      process.on("SIGTERM", forward);
      const code = await new Promise<number>((resolve) => child.on("exit", (c, s) => resolve(c ?? (s ? 128 + 15 : 1))));
      if (code !== 0) throw new ReportedFailure();
    });

  program
    .command("dispatch")
    .description("run one dispatcher tick: liveness checks, promotion, start workers for ready tasks")
    .option("--dry-run", "explain for each ready task whether it would start and why; change nothing")
    .option("--max <n>", "start at most n workers", (v) => parseInteger("--max", v, 1))
    .option("--json", "print the tick report")
    .addHelpText("after", `\nExamples:\n  kanban dispatch --dry-run\n  kanban dispatch --max 2 --json`)
    .action(async (o) => {
      const d = await makeDispatcher(ctx, false);
      try {
        const r = d.tick({ dryRun: !!o.dryRun, max: o.max });
        if (o.json) ctx.json(r);
        else printTick(ctx, r);
        if (r.skipped) {
          if (o.json) ctx.out.err(`kanban dispatch: ${r.reason}\n`);
          throw new ReportedFailure(); // a skipped tick did nothing: exit 1, with --json too
        }
      } finally {
        d.stop();
      }
    });

  program
    .command("daemon")
    .description("run the dispatcher headless until SIGTERM/Ctrl-C (for hosts without the server)")
    .addHelpText("after", `\nExample:\n  KANBAN_HOME=~/boards/acme kanban daemon`)
    .action(async () => {
      const d = await makeDispatcher(ctx, true);
      ctx.out.write(`kanban daemon: dispatching for ${ctx.paths.db} every ${(await ctx.config()).dispatch.interval_seconds}s (and on every change); Ctrl-C stops\n`);
      d.start();
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      d.stop();
      ctx.out.write("kanban daemon: stopped (running workers keep running)\n");
    });

  program
    .command("gc")
    .description("remove scratch workspaces of archived tasks, old events of finished tasks, and old logs")
    .option("--days <n>", "keep events and logs younger than n days", (v) => parseInteger("--days", v, 0), 30)
    .option("--dry-run", "list what would be removed")
    .option("--json")
    .addHelpText("after", `\nExample:\n  kanban gc --days 14 --dry-run`)
    .action((o) => {
      const k = ctx.kernel();
      const p = ctx.paths;
      const now = k.ctx.now();
      const horizon = now - o.days * 86_400;
      const removed = { workspaces: [] as string[], events: 0, logs: [] as string[] };
      const status = new Map((k.db.prepare("SELECT id, status FROM tasks").all() as { id: string; status: string }[]).map((r) => [r.id, r.status]));
      // Scratch workspaces <root>/<task_id>/ of archived tasks (and of tasks that no longer exist).
      if (fs.existsSync(p.workspaces)) {
        for (const name of fs.readdirSync(p.workspaces)) {
          if (!/^t_[0-9a-f]{8}$/.test(name)) continue;
          const st = status.get(name);
          if (st !== undefined && st !== "archived") continue;
          const target = path.join(p.workspaces, name);
          if (o.dryRun || removeContained(p.workspaces, target)) removed.workspaces.push(target);
        }
      }
      // Events older than the horizon of done/archived tasks (the `deleted` markers of gone tasks too).
      const where = `created_at < ? AND (task_id IN (SELECT id FROM tasks WHERE status IN ('done','archived'))
                     OR task_id NOT IN (SELECT id FROM tasks))`;
      if (o.dryRun) removed.events = (k.db.prepare(`SELECT COUNT(*) AS n FROM task_events WHERE ${where}`).get(horizon) as { n: number }).n;
      else removed.events = k.ctx.tx(() => k.db.prepare(`DELETE FROM task_events WHERE ${where}`).run(horizon).changes);
      // Worker logs not touched for n days, of tasks that are finished or gone.
      if (fs.existsSync(p.logs)) {
        for (const name of fs.readdirSync(p.logs)) {
          const m = /^(t_[0-9a-f]{8})\.log(\.\d+)?$/.exec(name);
          if (!m) continue;
          const st = status.get(m[1]);
          if (st !== undefined && st !== "done" && st !== "archived") continue;
          const file = path.join(p.logs, name);
          const lst = fs.lstatSync(file);
          if (!lst.isFile() || lst.mtimeMs / 1000 >= horizon) continue;
          if (!o.dryRun) fs.unlinkSync(file);
          removed.logs.push(file);
        }
      }
      if (o.json) return ctx.json({ dry_run: !!o.dryRun, days: o.days, ...removed });
      const verb = o.dryRun ? "would remove" : "removed";
      for (const w of removed.workspaces) ctx.out.write(`${verb} workspace ${w}\n`);
      for (const l of removed.logs) ctx.out.write(`${verb} log ${l}\n`);
      ctx.out.write(`${verb} ${removed.workspaces.length} workspace(s), ${removed.events} event(s), ${removed.logs.length} log file(s)\n`);
    });

  program
    .command("completion")
    .description("print a shell completion script")
    .argument("<shell>", "bash or zsh")
    .addHelpText("after", `\nExample:\n  source <(kanban completion bash)`)
    .action((shell: string) => {
      if (shell !== "bash" && shell !== "zsh") throw new UsageError(`completion: shell must be bash or zsh, got "${shell}"`);
      ctx.out.write(completionScript(shell, program.commands.map((c) => c.name())));
    });
}
