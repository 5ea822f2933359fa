/**
 * WebSocket latency benchmark: commit → client for writes made by ANOTHER process (the path a
 * CLI or worker write takes: WAL write → fs.watch / poll → hub tail → frame), with 1 and with
 * 50 connected clients. SPEC §9 target: p95 < 150 ms (p50 < 60 ms).
 *
 *   npx tsx bench/ws-latency.ts [--writes 200] [--gap 10] [--clients 1,50]
 *
 * Starts the production server (`npm run build` first) on a free port with a temp KANBAN_HOME,
 * connects the clients, then runs a writer child (this file with `--writer`) that opens its own
 * kernel on the same file and makes `--writes` creates about `--gap` ms apart, printing each
 * commit time (performance.timeOrigin + now, after the transaction returned). Latency = a
 * client's receive time of that `created` event − the commit time; for 50 clients every
 * (client, write) pair counts, and "last client" is the slowest client per write.
 *
 * Prints a markdown table, then one line of JSON. Does not write docs/perf.md.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { writeSection, machineInfo } from "./lib";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { openKernel } from "../server/kernel/index";
import { parseServerMessage } from "../lib/ws-protocol";

const SELF = fileURLToPath(import.meta.url);
const REPO = path.resolve(path.dirname(SELF), "..");
const argv = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function arg(name: string, dflt: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
}

// ── the writer child ────────────────────────────────────────────────────────────────────────

async function writerMain(): Promise<void> {
  const n = Number(arg("writes", "200"));
  const gap = Number(arg("gap", "10"));
  const k = openKernel(path.join(process.env.KANBAN_HOME!, "kanban.db"), {}, { verify: "none" });
  for (let i = 0; i < n; i++) {
    const id = k.create({ title: `latency ${i}` }).task.id;
    process.stdout.write(JSON.stringify({ task_id: id, t: now() }) + "\n");
    await sleep(gap * (0.5 + Math.random()));
  }
  k.close();
}

// ── the benchmark ───────────────────────────────────────────────────────────────────────────

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}
const r2 = (x: number) => Math.round(x * 100) / 100;

async function startServer(home: string): Promise<{ port: number; proc: ChildProcess }> {
  if (!fs.existsSync(path.join(REPO, ".next", "BUILD_ID"))) throw new Error("no production build: run `npm run build` first");
  const env: NodeJS.ProcessEnv = { ...process.env, KANBAN_HOME: home, PORT: "0", HOST: "127.0.0.1", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", KANBAN_DISPATCH: "0" };
  delete env.KANBAN_DB;
  const proc = spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on http:\/\/\S+?:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.on("exit", (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
  return { port, proc };
}

interface Listener {
  ws: WebSocket;
  got: Map<string, number>; // task id → receive time of its `created` event
}

async function connect(url: string): Promise<Listener> {
  const ws = new WebSocket(url);
  const got = new Map<string, number>();
  await new Promise<void>((resolve, reject) => {
    ws.on("message", (data) => {
      const t = now();
      const m = parseServerMessage(data.toString());
      if (m?.type === "hello") resolve();
      if (m?.type === "events") for (const e of m.events) if (e.kind === "created") got.set(e.task_id, t);
    });
    ws.on("error", reject);
  });
  return { ws, got };
}

function runWriter(home: string, writes: number, gap: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const cp = spawn(process.execPath, ["--import", "tsx", SELF, "--writer", "--writes", String(writes), "--gap", String(gap)], {
      cwd: REPO,
      env: { ...process.env, KANBAN_HOME: home },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const commits = new Map<string, number>();
    let buf = "";
    cp.stdout!.on("data", (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const o = JSON.parse(buf.slice(0, i)) as { task_id: string; t: number };
        buf = buf.slice(i + 1);
        commits.set(o.task_id, o.t);
      }
    });
    cp.on("exit", (code) => (code === 0 ? resolve(commits) : reject(new Error(`writer exited ${code}`))));
  });
}

interface Result {
  clients: number;
  writes: number;
  samples: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  last_client_p95_ms: number;
  missing: number;
}

async function scenario(home: string, port: number, clients: number, writes: number, gap: number): Promise<Result> {
  const ls = await Promise.all(Array.from({ length: clients }, () => connect(`ws://127.0.0.1:${port}/ws`)));
  const commits = await runWriter(home, writes, gap);
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && ls.some((l) => [...commits.keys()].some((id) => !l.got.has(id)))) await sleep(20);
  const all: number[] = [];
  const lastClient: number[] = [];
  let missing = 0;
  for (const [id, t] of commits) {
    let worst = -Infinity;
    for (const l of ls) {
      const r = l.got.get(id);
      if (r === undefined) {
        missing++;
        continue;
      }
      all.push(r - t);
      worst = Math.max(worst, r - t);
    }
    if (worst > -Infinity) lastClient.push(worst);
  }
  for (const l of ls) l.ws.close();
  return {
    clients, writes, samples: all.length,
    p50_ms: r2(quantile(all, 0.5)), p95_ms: r2(quantile(all, 0.95)), p99_ms: r2(quantile(all, 0.99)),
    max_ms: r2(Math.max(...all)), last_client_p95_ms: r2(quantile(lastClient, 0.95)), missing,
  };
}

async function benchMain(): Promise<void> {
  const writes = Number(arg("writes", "200"));
  const gap = Number(arg("gap", "10"));
  const counts = arg("clients", "1,50").split(",").map(Number);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "kanban-wsbench-"));
  const { port, proc } = await startServer(home);
  const results: Result[] = [];
  try {
    await runWriter(home, 20, 1); // warm-up: the file, the WAL, the server's statements
    for (const n of counts) {
      process.stderr.write(`ws-latency: ${n} client(s), ${writes} writes…\n`);
      results.push(await scenario(home, port, n, writes, gap));
    }
  } finally {
    proc.kill("SIGTERM");
    await new Promise((r) => proc.once("exit", r));
    fs.rmSync(home, { recursive: true, force: true });
  }
  const ok = (r: Result) => (r.p95_ms < 150 && r.p50_ms < 60 && r.missing === 0 ? "ok" : "MISSED");
  const lines = [
    `WebSocket latency, commit in another process → client (${writes} writes ~${gap} ms apart; target p50 < 60 ms, p95 < 150 ms)`,
    "",
    "| clients | samples | p50 ms | p95 ms | p99 ms | max ms | slowest client p95 ms | missing | target |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ...results.map((r) => `| ${r.clients} | ${r.samples} | ${r.p50_ms} | ${r.p95_ms} | ${r.p99_ms} | ${r.max_ms} | ${r.last_client_p95_ms} | ${r.missing} | ${ok(r)} |`),
  ];
  const figures = { bench: "ws-latency", writes, gap_ms: gap, node: process.version, platform: `${os.platform()} ${os.release()}`, results };
  if (argv.includes("--json")) console.log(JSON.stringify(figures));
  else {
    console.log(lines.join("\n"));
    console.log(JSON.stringify(figures));
  }
  if (!argv.includes("--no-write")) {
    const m = machineInfo();
    writeSection(path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "docs/perf.md"), "ws", `## WebSocket latency (issue 4)

\`npx tsx bench/ws-latency.ts\` (also run by \`npm run bench\`). ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.date}.
A separate writer process commits one change at a time; each event carries the writer's commit time, and every connected client records when the batch arrived (real production server, real \`ws\` clients on loopback).

${lines.join("\n")}`);
  }
}

if (argv.includes("--writer")) {
  writerMain().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  benchMain().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
