#!/usr/bin/env node
// Test worker: records each attempt (run id, cwd, git branch) as one JSON line in the file named by
// argv[2]; the first FAIL_TIMES attempts (default 1) exit 1 without reporting, later ones write a
// file in the workspace and complete.
import fs from "node:fs";
import { execFileSync } from "node:child_process";
import { kanban } from "../../../examples/workers/lib.mjs";

const file = process.argv[2];
const prior = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
let branch = null;
try {
  branch = execFileSync("git", ["rev-parse", "--abbrev-ref", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
} catch {
  /* not a git checkout */
}
fs.appendFileSync(file, JSON.stringify({ run: Number(process.env.KANBAN_RUN_ID), cwd: process.cwd(), branch, pid: process.pid }) + "\n");
if (prior < Number(process.env.FAIL_TIMES ?? 1)) {
  console.log(`attempt ${prior + 1}: failing on purpose`);
  process.exit(1);
}
fs.writeFileSync("work.txt", `written by run ${process.env.KANBAN_RUN_ID}\n`);
kanban("complete", "--summary", `attempt ${prior + 1} on ${branch}`);
