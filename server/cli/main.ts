/**
 * `kanban` — every operation from a terminal or script (SPEC §8).
 * Exit codes: 0 ok, 1 operation refused or failed (one line on stderr naming the task and the
 * reason), 2 usage error (with a pointer to --help). Nothing of Next or React is on this path.
 */
import { Command, CommanderError } from "commander";
import { CliContext } from "./context";
import { UsageError } from "./parse";
import { isKanbanError } from "../kernel/errors";
import { ReportedFailure } from "./verbs/common";
import { registerWriteVerbs } from "./verbs/write";
import { registerLifecycleVerbs } from "./verbs/lifecycle";
import { registerReadVerbs } from "./verbs/read";
import { registerFollowVerbs } from "./verbs/follow";
import { registerAdminVerbs } from "./verbs/admin";

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("kanban");
  program
    .description("Fleet Kanban: a durable task board shared by people and AI agent workers")
    .option("--db <path>", "database file (default $KANBAN_DB or $KANBAN_HOME/kanban.db)")
    .showHelpAfterError("(run with --help for usage)")
    .enablePositionalOptions(false)
    .configureOutput({
      writeOut: (s) => ctx.out.write(s),
      writeErr: (s) => ctx.out.err(s),
      outputError: (s, write) => write(s.replace(/^error:/, "kanban: error:")),
    })
    .addHelpText(
      "after",
      `
Environment: KANBAN_HOME (~/.kanban), KANBAN_DB, KANBAN_LOGS, KANBAN_CLAIM_TTL_SECONDS, NO_COLOR.
Inside a worker KANBAN_TASK and KANBAN_RUN_ID make heartbeat/complete/block default to that task.

Examples:
  kanban create "Fix the login bug" --assignee backend-dev --priority 2
  kanban ls --status ready --json | jq length
  kanban watch --kinds completed,blocked`,
    )
    .hook("preAction", (thisCommand) => ctx.setGlobals(thisCommand.opts()));
  registerWriteVerbs(program, ctx);
  registerLifecycleVerbs(program, ctx);
  registerReadVerbs(program, ctx);
  registerFollowVerbs(program, ctx);
  registerAdminVerbs(program, ctx);
  // Every subcommand reports usage errors the same way and never calls process.exit itself.
  const tune = (c: Command) => {
    c.exitOverride();
    c.showHelpAfterError("(run `kanban " + (c.name() === "kanban" ? "" : c.name() + " ") + "--help` for usage)");
    c.configureOutput(program.configureOutput());
    c.commands.forEach(tune);
  };
  tune(program);
  return program;
}

/** Runs the CLI and returns the exit code (the bin sets process.exitCode from it). */
export async function main(argv: string[], ctx = new CliContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and --version are not errors; everything commander rejects is a usage error.
      return e.code === "commander.helpDisplayed" || e.code === "commander.help" || e.code === "commander.version" ? 0 : 2;
    }
    if (e instanceof ReportedFailure) return 1;
    if (e instanceof UsageError) {
      ctx.out.err(`kanban: ${e.message}\n`);
      return 2;
    }
    if (isKanbanError(e)) {
      ctx.out.err(`kanban: ${e.message}\n`);
      return 1;
    }
    const code = (e as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("SQLITE_")) {
      ctx.out.err(`kanban: database error (${code}): ${(e as Error).message}\n`);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code === "EPIPE") return 0; // `kanban ls | head`
    ctx.out.err(`kanban: internal error: ${(e as Error).message ?? String(e)}\n`);
    if (ctx.env.KANBAN_DEBUG) ctx.out.err(String((e as Error).stack) + "\n");
    return 1;
  } finally {
    ctx.close();
  }
}
