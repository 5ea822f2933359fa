#!/usr/bin/env node
// Writes its argv, cwd and KANBAN_* env as JSON to $ARGV_FILE (one line per run), then completes.
import fs from "node:fs";
import { kanban } from "./lib.mjs";

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("KANBAN_") || k.startsWith("HERMES_")));
fs.appendFileSync(process.env.ARGV_FILE ?? "argv.jsonl", JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env, pid: process.pid }) + "\n");
kanban("complete", "--summary", "recorded argv");
