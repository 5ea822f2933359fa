#!/usr/bin/env node
// Test worker for concurrency caps: marks itself alive (`$SPANS_DIR/alive/<pid>`), works WORK_MS,
// records its span {task, run, pid, start, end} in `$SPANS_DIR/spans.jsonl`, unmarks itself and
// only then completes. Every span therefore lies inside its run, so overlapping spans are a lower
// bound on overlapping runs.
import fs from "node:fs";
import path from "node:path";
import { kanban, sleep } from "../../../examples/workers/lib.mjs";

const dir = process.env.SPANS_DIR;
const alive = path.join(dir, "alive", String(process.pid));
const start = Date.now();
fs.mkdirSync(path.dirname(alive), { recursive: true });
fs.writeFileSync(alive, process.env.KANBAN_TASK ?? "");
await sleep(Number(process.env.WORK_MS ?? 500));
const end = Date.now();
fs.appendFileSync(path.join(dir, "spans.jsonl"), JSON.stringify({ task: process.env.KANBAN_TASK, run: Number(process.env.KANBAN_RUN_ID), pid: process.pid, start, end }) + "\n");
fs.rmSync(alive, { force: true });
kanban("complete", "--summary", `span ${end - start} ms`);
