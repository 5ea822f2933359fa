/**
 * Live verbs: watch (the whole board) and tail (one task). They poll the event log by id, so they
 * see writes from every process (server, workers, other CLIs, Hermes) in commit order, until
 * Ctrl-C (or --count events).
 */
import type { Command } from "commander";
import type { CliContext } from "../context";
import { parseInteger, splitList } from "../parse";
import { isoTime, paint, truncate, type Color } from "../format";
import type { KanbanEvent } from "../../kernel/types";

const POLL_MS = 100;

const KIND_COLOR: Record<string, Color> = {
  created: "blue", completed: "green", blocked: "red", gave_up: "red", crashed: "red", timed_out: "red",
  claimed: "yellow", spawned: "yellow", heartbeat: "dim", promoted: "cyan", deleted: "gray", archived: "gray",
};

function eventLine(ctx: CliContext, e: KanbanEvent): string {
  const p = e.payload ? "  " + truncate(JSON.stringify(e.payload), Math.max(40, ctx.out.width - 60)) : "";
  return `${paint(ctx.out, "dim", `#${e.id} ${isoTime(e.created_at)}`)}  ${e.task_id}  ${paint(ctx.out, KIND_COLOR[e.kind] ?? "bold", e.kind)}${p}\n`;
}

interface FollowOptions {
  since: number;
  accept: (e: KanbanEvent) => boolean;
  json: boolean;
  count?: number;
}

/** Prints matching events from `since` on, forever (or until `count`); resolves on SIGINT/SIGTERM. */
function follow(ctx: CliContext, o: FollowOptions): Promise<void> {
  const k = ctx.kernel();
  let cursor = o.since;
  let printed = 0;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | null = null;
    const stop = () => {
      if (timer) clearTimeout(timer);
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    const tick = () => {
      try {
        for (;;) {
          const page = k.eventsSince(cursor, 1000);
          for (const e of page.events) {
            if (!o.accept(e)) continue;
            ctx.out.write(o.json ? JSON.stringify(e) + "\n" : eventLine(ctx, e));
            if (o.count != null && ++printed >= o.count) return stop();
          }
          cursor = page.cursor;
          if (page.events.length < 1000) break;
        }
      } catch (e) {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        return reject(e);
      }
      timer = setTimeout(tick, POLL_MS);
    };
    tick();
  });
}

export function registerFollowVerbs(program: Command, ctx: CliContext) {
  program
    .command("watch")
    .description("follow the board's event stream live (Ctrl-C to stop)")
    .option("--kinds <list>", "only these event kinds (comma-separated)")
    .option("--tenant <name>", "only events of this tenant's tasks")
    .option("--assignee <profile>", "only events of this assignee's tasks")
    .option("--since <event-id>", "start after this event id (default: only new events)", (v) => parseInteger("--since", v, 0))
    .option("--count <n>", "stop after n matching events", (v) => parseInteger("--count", v, 1))
    .option("--json", "one JSON event per line")
    .addHelpText("after", `\nExamples:\n  kanban watch --kinds completed,blocked,gave_up\n  kanban watch --tenant auth-project --json | jq -c '{task_id, kind}'`)
    .action(async (o) => {
      const k = ctx.kernel();
      const kinds = new Set(splitList(o.kinds));
      const tenant: string | undefined = o.tenant;
      const assignee: string | undefined = o.assignee?.toLowerCase();
      // Task attributes for the filters; a deleted task keeps what we last saw of it.
      const seen = new Map<string, { tenant: string | null; assignee: string | null }>();
      const attrs = (id: string) => {
        const row = k.db.prepare("SELECT tenant, assignee FROM tasks WHERE id = ?").get(id) as { tenant: string | null; assignee: string | null } | undefined;
        if (row) seen.set(id, row);
        return row ?? seen.get(id) ?? { tenant: null, assignee: null };
      };
      await follow(ctx, {
        since: o.since ?? k.latestEventId(),
        json: !!o.json,
        count: o.count,
        accept: (e) => {
          if (kinds.size && !kinds.has(e.kind)) return false;
          if (!tenant && !assignee) return true;
          const a = attrs(e.task_id);
          return (!tenant || a.tenant === tenant) && (!assignee || a.assignee === assignee);
        },
      });
    });

  program
    .command("tail")
    .description("print a task's recent events, then follow new ones (Ctrl-C to stop)")
    .argument("<id>")
    .option("--lines <n>", "how many past events to print first", (v) => parseInteger("--lines", v, 0), 20)
    .option("--no-follow", "print the past events and exit")
    .option("--count <n>", "stop after n new events", (v) => parseInteger("--count", v, 1))
    .option("--json", "one JSON event per line")
    .addHelpText("after", `\nExample:\n  kanban tail t_1a2b3c4d`)
    .action(async (id: string, o) => {
      const k = ctx.kernel();
      k.task(id);
      const past = o.lines > 0 ? k.events(id, o.lines) : [];
      for (const e of past) ctx.out.write(o.json ? JSON.stringify(e) + "\n" : eventLine(ctx, e));
      if (!o.follow) return;
      await follow(ctx, { since: k.latestEventId(), json: !!o.json, count: o.count, accept: (e) => e.task_id === id });
    });
}
