/**
 * CLI start-up benchmark (issue 3): `kanban list --json` on a 10k-task DB against a bare node
 * script that opens the same file with better-sqlite3 and prints the same rows as JSON. Both are
 * whole processes, timed alternately, medians compared as a ratio. Target: under 2×.
 * Options: --json (one JSON line on stdout), --no-write, --runs N.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openKernel } from "../server/kernel/index";
import { median, quantile, round, markdownTable, writeSection, machineInfo, log } from "./lib";

const argv = process.argv.slice(2);
const JSON_OUT = argv.includes("--json");
const WRITE = !argv.includes("--no-write");
const RUNS = Number(argv[argv.indexOf("--runs") + 1] || 15) || 15;
const REPO = path.resolve(import.meta.dirname, "..");
const PERF_MD = path.join(REPO, "docs/perf.md");

const home = fs.mkdtempSync(path.join(os.tmpdir(), "kanban-clibench-"));
const db = path.join(home, "kanban.db");
log(`cli bench: seeding 10,000 tasks in ${db}`);
const k = openKernel(db);
k.db.transaction(() => {
  for (let i = 0; i < 10_000; i++) k.create({ title: `task ${i}`, body: "body text ".repeat(10), assignee: `dev${i % 5}`, priority: i % 4, tenant: i % 3 ? "acme" : null });
})();
k.close();

if (!fs.existsSync(path.join(REPO, "dist/cli/main.js"))) spawnSync(process.execPath, ["scripts/build-cli.mjs"], { cwd: REPO, stdio: "inherit" });
const bare = path.join(home, "bare.mjs");
fs.writeFileSync(
  bare,
  `import Database from ${JSON.stringify(path.join(REPO, "node_modules/better-sqlite3/lib/index.js"))};
const db = new Database(process.argv[2], { readonly: true });
const rows = db.prepare("SELECT * FROM tasks WHERE status != 'archived' ORDER BY priority DESC, created_at ASC, id ASC").all();
for (const r of rows) r.skills = r.skills ? JSON.parse(r.skills) : [];
process.stdout.write(JSON.stringify(rows, null, 2) + "\\n");
`,
);

function timeOnce(args: string[], env: NodeJS.ProcessEnv): { ms: number; bytes: number } {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { env, maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { ms, bytes: r.stdout.length };
}

const env = { ...process.env, KANBAN_HOME: home, NO_COLOR: "1" };
const cli: number[] = [];
const floor: number[] = [];
let cliBytes = 0;
let floorBytes = 0;
for (let i = 0; i < RUNS + 2; i++) {
  const a = timeOnce([path.join(REPO, "bin/kanban.mjs"), "list", "--json"], env);
  const b = timeOnce([bare, db], env);
  if (i < 2) continue; // warm the page cache and node's compile cache
  cli.push(a.ms);
  floor.push(b.ms);
  cliBytes = a.bytes;
  floorBytes = b.bytes;
}
const emptyNode = median(Array.from({ length: 7 }, () => timeOnce(["-e", ""], env).ms));
fs.rmSync(home, { recursive: true, force: true });

const figures = {
  machine: machineInfo(),
  runs: RUNS,
  tasks: 10_000,
  cli_list_json_ms: { p50: round(median(cli), 1), p90: round(quantile(cli, 0.9), 1) },
  bare_script_ms: { p50: round(median(floor), 1), p90: round(quantile(floor, 0.9), 1) },
  node_startup_ms: round(emptyNode, 1),
  ratio: round(median(cli) / median(floor), 2),
  output_bytes: { cli: cliBytes, bare: floorBytes },
  target: "< 2×",
  pass: median(cli) / median(floor) < 2,
};

const table = markdownTable(
  ["metric", "kanban list --json", "bare better-sqlite3 script", "ratio", "target", "pass"],
  [["wall time per process, 10,000 tasks (median)", `${figures.cli_list_json_ms.p50} ms`, `${figures.bare_script_ms.p50} ms`, `${figures.ratio}×`, "< 2×", figures.pass ? "pass" : "MISSED"]],
);

if (JSON_OUT) process.stdout.write(JSON.stringify(figures) + "\n");
else process.stdout.write(table + "\n");
if (WRITE) {
  writeSection(
    PERF_MD,
    "cli",
    `## CLI start-up (issue 3)

\`npx tsx bench/cli-bench.ts\` (also run by \`npm run bench\`). ${figures.machine.cpu}, ${figures.machine.cores} cores, Node ${figures.machine.node}, ${figures.machine.date}.
Whole processes, alternated, ${RUNS} timed runs each after 2 warm-ups; an empty \`node -e ""\` takes ${figures.node_startup_ms} ms here.
The CLI is the esbuild bundle in dist/cli (no TypeScript loader, nothing of Next or React); it prints the same rows (${(cliBytes / 1024).toFixed(0)} KiB vs ${(floorBytes / 1024).toFixed(0)} KiB of JSON).

${table}`,
  );
}
