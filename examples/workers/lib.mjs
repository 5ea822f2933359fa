// Shared by the example workers: call the real `kanban` CLI, as any worker would.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/kanban.mjs");

/** Runs `kanban <args>` with this worker's env (KANBAN_TASK, KANBAN_RUN_ID, KANBAN_DB). */
export function kanban(...args) {
  return execFileSync(process.execPath, [BIN, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
