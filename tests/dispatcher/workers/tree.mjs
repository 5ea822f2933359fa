#!/usr/bin/env node
// Test worker for "reclaim ends the whole tree": starts a grandchild in its process group, writes
// "<pid> <grandchild pid>" to $PIDS_FILE, then heartbeats forever. STUBBORN_GRANDCHILD=1 makes the
// grandchild ignore SIGTERM; STUBBORN_WORKER=1 makes this worker ignore it (only SIGKILL ends them).
import fs from "node:fs";
import { spawn } from "node:child_process";
import { kanban, sleep } from "../../../examples/workers/lib.mjs";

if (process.env.STUBBORN_WORKER === "1") process.on("SIGTERM", () => console.log("worker ignoring SIGTERM"));
const code = (process.env.STUBBORN_GRANDCHILD === "1" ? "process.on('SIGTERM', () => {}); " : "") +
  "setInterval(() => {}, 1000); process.stdout.write('ready\\n')";
const g = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "ignore"] });
// Report the pids only once the grandchild runs (and has its SIGTERM handler).
await new Promise((resolve) => g.stdout.once("data", resolve));
g.stdout.destroy();
fs.appendFileSync(process.env.PIDS_FILE, `${process.pid} ${g.pid}\n`);
for (;;) {
  try {
    kanban("heartbeat", "--note", "tree alive");
  } catch {
    /* reclaimed: keep running, as a careless worker would */
  }
  await sleep(1000);
}
