/**
 * `npm run bench`: every benchmark in one run, each writing its own section of docs/perf.md.
 * `npm run -s bench -- --json` prints one JSON object {kernel, cli, http, ws, dispatch} instead
 * of the tables. `--only kernel,cli` runs a subset; `--no-write` leaves docs/perf.md alone.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const DIR = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const json = argv.includes("--json");
const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1].split(",") : null;
const pass = argv.filter((a) => a === "--no-write");
const BENCHES: [string, string][] = [
  ["kernel", "kernel-bench.ts"],
  ["cli", "cli-bench.ts"],
  ["http", "http-bench.ts"],
  ["ws", "ws-latency.ts"],
  ["dispatch", "dispatch-bench.ts"],
  ["board", "board-bench.ts"],
];

const out: Record<string, unknown> = {};
let failed = 0;
for (const [name, file] of BENCHES) {
  if (only && !only.includes(name)) continue;
  process.stderr.write(`\n[bench] ── ${name} ──\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(DIR, file), ...(json ? ["--json"] : []), ...pass], {
    stdio: ["ignore", json ? "pipe" : "inherit", "inherit"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`[bench] ${name} failed (exit ${r.status})\n`);
    continue;
  }
  if (json) {
    const last = r.stdout.trim().split("\n").at(-1) ?? "null";
    try {
      out[name] = JSON.parse(last);
    } catch {
      out[name] = { error: "no JSON line", output: last.slice(0, 200) };
    }
  }
}
if (json) process.stdout.write(JSON.stringify(out) + "\n");
process.exitCode = failed ? 1 : 0;
