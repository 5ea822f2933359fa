/**
 * Dispatcher benchmark (issue 5): (1) time from `create` of a ready assigned task to its worker
 * process running, with a started dispatcher loop (the same class the server runs); (2) a burst
 * of 200 ready tasks for a profile with cap 8: never more than 8 alive, all done, zero double
 * runs, spawns/s. Options: --json, --no-write, --samples N, --burst N.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openKernel } from "../server/kernel/index";
import { validateConfig } from "../server/config";
import { resolvePaths } from "../server/paths";
import { Dispatcher } from "../server/dispatcher/dispatcher";
import { median, quantile, round, markdownTable, writeSection, machineInfo, log } from "./lib";

const argv = process.argv.slice(2);
const JSON_OUT = argv.includes("--json");
const WRITE = !argv.includes("--no-write");
const opt = (name: string, def: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : def);
const SAMPLES = opt("--samples", 30);
const BURST = opt("--burst", 200);
const CAP = 8;
const REPO = path.resolve(import.meta.dirname, "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function setup(profiles: Record<string, unknown>) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "kanban-dispbench-"));
  const paths = resolvePaths({ KANBAN_HOME: home } as unknown as NodeJS.ProcessEnv);
  const config = validateConfig({ dispatch: { interval_seconds: 60, crash_grace_seconds: 5 }, profiles });
  const dispatcherKernel = openKernel(paths.db);
  const writer = openKernel(paths.db); // a second connection, as another process would write
  const d = new Dispatcher({ kernel: dispatcherKernel, config, paths, superviseChildren: true, log: (m) => log(m) });
  return { home, paths, d, writer, dispatcherKernel };
}

// (1) create → worker running. The worker appends its start time (ms) and exits 0 after
// completing through the kernel-free path: it just records, then the task is completed here.
async function latency() {
  const stamp = path.join(os.tmpdir(), `kanban-stamp-${process.pid}`);
  const worker = path.join(os.tmpdir(), `kanban-stamp-worker-${process.pid}.mjs`);
  fs.writeFileSync(worker, `import fs from "node:fs"; fs.appendFileSync(${JSON.stringify(stamp)}, process.env.KANBAN_TASK + " " + Date.now() + "\\n"); setTimeout(() => {}, 60000);`);
  const s = setup({ fast: { command: ["node", worker] } });
  s.d.start();
  const lat: number[] = [];
  try {
    for (let i = 0; i < SAMPLES; i++) {
      fs.writeFileSync(stamp, "");
      const t0 = Date.now();
      const id = s.writer.create({ title: `latency ${i}`, assignee: "fast" }).task.id;
      await waitFor(() => fs.readFileSync(stamp, "utf8").includes(id), 10_000, `worker for ${id}`);
      const started = Number(fs.readFileSync(stamp, "utf8").trim().split(" ")[1]);
      lat.push(started - t0);
      s.writer.reclaim(id); // ends the worker (SIGTERM) and frees the slot
      s.writer.archive(id);
    }
  } finally {
    s.d.stop();
    s.writer.close();
    s.dispatcherKernel.close();
    fs.rmSync(stamp, { force: true });
    fs.rmSync(worker, { force: true });
    fs.rmSync(s.home, { recursive: true, force: true });
  }
  return { samples: SAMPLES, p50_ms: round(median(lat), 1), p95_ms: round(quantile(lat, 0.95), 1), max_ms: round(Math.max(...lat), 1) };
}

// (2) burst: 200 tasks, cap 8; the worker completes through the real CLI (as workers do).
async function burst() {
  const s = setup({ burst: { command: ["node", path.join(REPO, "examples/workers/complete.mjs"), "{title}"], max_in_progress: CAP } });
  const ids: string[] = [];
  s.writer.db.transaction(() => {
    for (let i = 0; i < BURST; i++) ids.push(s.writer.create({ title: `burst ${i}`, assignee: "burst" }).task.id);
  })();
  let maxAlive = 0;
  const countRunning = s.writer.db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE status = 'running'");
  const countDone = s.writer.db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE status = 'done'");
  const t0 = performance.now();
  process.env.WORK_MS = "0";
  s.d.start();
  try {
    await waitFor(() => {
      maxAlive = Math.max(maxAlive, (countRunning.get() as { n: number }).n, s.d.runningChildren);
      return (countDone.get() as { n: number }).n === BURST;
    }, 600_000, "the burst to finish");
  } finally {
    s.d.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const runs = s.writer.db.prepare("SELECT task_id, COUNT(*) AS n FROM task_runs GROUP BY task_id HAVING n > 1").all();
  const spawns = (s.writer.db.prepare("SELECT COUNT(*) AS n FROM task_events WHERE kind = 'spawned'").get() as { n: number }).n;
  s.writer.close();
  s.dispatcherKernel.close();
  fs.rmSync(s.home, { recursive: true, force: true });
  return { tasks: BURST, cap: CAP, max_alive: maxAlive, double_runs: runs.length, spawns, seconds: round(seconds, 1), spawns_per_s: round(spawns / seconds, 1) };
}

log("dispatch bench: create → worker running");
const lat = await latency();
log(`dispatch bench: burst of ${BURST} with cap ${CAP}`);
const b = await burst();
const figures = { machine: machineInfo(), latency: lat, burst: b, pass: { latency: lat.p50_ms < 300, cap: b.max_alive <= CAP, double_runs: b.double_runs === 0 } };
const table = markdownTable(
  ["metric", "measured", "target", "pass"],
  [
    [`create → worker running, median of ${lat.samples} (p95)`, `${lat.p50_ms} ms (${lat.p95_ms} ms)`, "median < 300 ms", figures.pass.latency ? "pass" : "MISSED"],
    [`burst of ${b.tasks} ready tasks, cap ${b.cap}: most alive at once`, String(b.max_alive), `≤ ${b.cap}`, figures.pass.cap ? "pass" : "MISSED"],
    ["burst: tasks run more than once", String(b.double_runs), "0", figures.pass.double_runs ? "pass" : "MISSED"],
    ["burst: spawns/s (all done in)", `${b.spawns_per_s} (${b.seconds} s)`, "—", "—"],
  ],
);
if (JSON_OUT) process.stdout.write(JSON.stringify(figures) + "\n");
else process.stdout.write(table + "\n");
if (WRITE) {
  writeSection(
    path.join(REPO, "docs/perf.md"),
    "dispatch",
    `## Dispatcher (issue 5)

\`npx tsx bench/dispatch-bench.ts\` (also run by \`npm run bench\`). ${figures.machine.cpu}, ${figures.machine.cores} cores, Node ${figures.machine.node}, ${figures.machine.date}.
The dispatcher loop is the class the server runs (event poll every 50 ms plus the interval tick); tasks are created on a second DB connection, as another process would. Latency is measured to the worker's own first line (its \`Date.now()\`), so it includes node's start-up (~40 ms). Burst workers report through the real CLI (context, two heartbeats, complete).

${table}`,
  );
}
