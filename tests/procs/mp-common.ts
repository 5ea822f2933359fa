/**
 * Shared plumbing for the multi-process test children (tests/multiprocess.test.ts).
 * Protocol: one JSON object per stdout line; the parent drives barriers with lines on stdin.
 */
import readline from "node:readline";
import { isKanbanError } from "../../server/kernel/index";

/** Prints one JSON line on stdout (pipes are synchronous on Linux, so nothing is lost on exit). */
export function say(obj: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ pid: process.pid, ...obj }) + "\n");
}

const queued: string[] = [];
const waiting: ((line: string) => void)[] = [];
let rl: readline.Interface | null = null;

function ensureReader() {
  if (rl) return;
  rl = readline.createInterface({ input: process.stdin });
  rl.on("line", (line) => {
    const w = waiting.shift();
    if (w) w(line.trim());
    else queued.push(line.trim());
  });
}

/** Resolves when the parent writes `expected` as a line on stdin (the start barrier). */
export async function waitLine(expected: string): Promise<void> {
  ensureReader();
  for (;;) {
    const line = queued.length ? queued.shift()! : await new Promise<string>((r) => waiting.push(r));
    if (line === expected) return;
  }
}

/** Stops reading stdin so the process can exit on its own. */
export function stopReading(): void {
  rl?.close();
  process.stdin.destroy();
}

/** Describes an error for the parent. */
export function describe(e: unknown): Record<string, unknown> {
  const err = e as { name?: string; code?: unknown; message?: string };
  return { name: err?.name ?? typeof e, code: err?.code ?? null, message: err?.message ?? String(e), kanban: isKanbanError(e) };
}

/** Runs `fn`, retrying on the documented typed `busy` error; counts the retries. */
export function retryBusy<T>(fn: () => T, counter: { busy: number }, max = 10_000): T {
  for (;;) {
    try {
      return fn();
    } catch (e) {
      if (isKanbanError(e) && e.code === "busy" && counter.busy < max) {
        counter.busy++;
        continue;
      }
      throw e;
    }
  }
}

/** Fails loudly (non-zero exit, error as JSON) instead of an unhandled rejection. */
export function main(fn: () => Promise<void> | void): void {
  Promise.resolve()
    .then(fn)
    .catch((e) => {
      say({ fatal: true, error: describe(e), stack: (e as Error)?.stack ?? null });
      process.exit(1);
    });
}
