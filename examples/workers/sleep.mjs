#!/usr/bin/env node
// Sleeps (heartbeating every few seconds) and never finishes: for max-runtime and reclaim tests.
// With --grandchild it first starts a grandchild in the same process group, which also sleeps.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { kanban, sleep } from "./lib.mjs";

if (process.argv.includes("--grandchild")) {
  const g = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  console.log(`grandchild ${g.pid}`);
  if (process.env.PIDS_FILE) fs.appendFileSync(process.env.PIDS_FILE, `${process.pid} ${g.pid}\n`);
} else if (process.env.PIDS_FILE) {
  fs.appendFileSync(process.env.PIDS_FILE, `${process.pid}\n`);
}
for (;;) {
  try {
    if (process.env.HEARTBEAT !== "0") kanban("heartbeat", "--note", "still sleeping");
  } catch {
    /* the run may have been reclaimed */
  }
  await sleep(2000);
}
