/**
 * A separate writer process for tests/ws.test.ts: opens the kernel on
 * `$KANBAN_HOME/kanban.db` itself (its own connection, like a CLI or a worker) and writes.
 * One JSON object per stdout line.
 *
 *   changes <n>           n commands, each appending exactly one event: creates, and title
 *                         edits of the task created just before. Ends with {done, last_event_id}.
 *   big <n>               n creates whose `created` payload is ~5 KB (50 skills of 100 chars).
 *   latency <n> <gap_ms>  n creates, about gap_ms apart (jittered); after each commit prints
 *                         {task_id, t} with t = performance.timeOrigin + performance.now().
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { openKernel } from "../../server/kernel/index";

function say(obj: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const [mode, nRaw, gapRaw] = process.argv.slice(2);
  const n = Number(nRaw);
  if (!process.env.KANBAN_HOME) throw new Error("KANBAN_HOME is not set");
  const k = openKernel(path.join(process.env.KANBAN_HOME, "kanban.db"), {}, { verify: "none" });
  const t0 = performance.now();
  if (mode === "changes") {
    let last: string | null = null;
    for (let i = 0; i < n; i++) {
      if (last && i % 2 === 1) k.edit(last, { title: `edited ${process.pid} #${i}` });
      else last = k.create({ title: `ws change ${process.pid} #${i}` }).task.id;
    }
  } else if (mode === "big") {
    const skills = Array.from({ length: 50 }, (_, j) => `skill-${j}-`.padEnd(100, "x"));
    for (let i = 0; i < n; i++) k.create({ title: `big ${i}`, skills });
  } else if (mode === "latency") {
    const gap = Number(gapRaw ?? 10);
    for (let i = 0; i < n; i++) {
      const id = k.create({ title: `latency ${i}` }).task.id;
      say({ task_id: id, t: performance.timeOrigin + performance.now() });
      await sleep(gap * (0.5 + Math.random()));
    }
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  say({ done: true, mode, n, last_event_id: k.latestEventId(), ms: Math.round(performance.now() - t0) });
  k.close();
}

main().catch((e) => {
  say({ fatal: true, message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
