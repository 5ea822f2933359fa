#!/usr/bin/env node
// A well-behaved worker: reads its brief, heartbeats, then completes with a summary and metadata.
// Usage in config.yaml:  command: ["node", "/path/to/examples/workers/complete.mjs", "{title}"]
import { kanban, sleep } from "./lib.mjs";

const task = process.env.KANBAN_TASK;
console.log(`worker ${process.pid} starting on ${task}: ${process.argv.slice(2).join(" ")}`);
const brief = kanban("context");
console.log(brief.split("\n")[0]);
kanban("heartbeat", "--note", "reading the brief");
await sleep(Number(process.env.WORK_MS ?? 100));
kanban("heartbeat", "--note", "half way");
kanban("complete", "--summary", `done by worker ${process.pid}`, "--metadata", JSON.stringify({ pid: process.pid, cwd: process.cwd() }));
console.log("completed");
