/**
 * HTTP benchmark (issue 4): GET /api/board on 10,000 tasks against the kernel's board query
 * alone (target: HTTP adds under 50%), payload size; POST /api/tasks and claim→complete over
 * HTTP with 10 concurrent clients next to the kernel-only rate on the same machine.
 * Options: --json, --no-write, --tasks N, --requests N.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import { openKernel } from "../server/kernel/index";
import { startServer } from "../tests/server-harness";
import { median, quantile, round, markdownTable, writeSection, machineInfo, log } from "./lib";

const argv = process.argv.slice(2);
const JSON_OUT = argv.includes("--json");
const WRITE = !argv.includes("--no-write");
const opt = (name: string, def: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : def);
const TASKS = opt("--tasks", 10_000);
const REQUESTS = opt("--requests", 2000);
const CONCURRENCY = 10;
const REPO = path.resolve(import.meta.dirname, "..");

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function request(url: string, method: string, body?: unknown): Promise<{ status: number; bytes: number; json: () => any }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, { method, agent, headers: data ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const buf = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, bytes: buf.length, json: () => JSON.parse(buf.toString("utf8")) });
      });
    });
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

async function pool(n: number, worker: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i < n; i = next++) await worker(i);
  }));
}

const home = fs.mkdtempSync(path.join(os.tmpdir(), "kanban-httpbench-"));
log(`http bench: seeding ${TASKS} tasks`);
{
  const k = openKernel(path.join(home, "kanban.db"));
  k.db.transaction(() => {
    const ids: string[] = [];
    for (let i = 0; i < TASKS; i++) {
      const parents = i % 10 === 9 ? [ids[i - 1]] : [];
      const t = k.create({ title: `task ${i} with a realistic title`, body: "Some body text. ".repeat(8), assignee: `dev${i % 6}`, priority: i % 4, tenant: i % 3 ? "acme" : "blog", parents, skills: i % 5 ? [] : ["git"] }).task;
      ids.push(t.id);
      if (i % 7 === 0) k.comment(t.id, "amy", "a comment");
    }
    for (let i = 0; i < TASKS / 3; i += 3) {
      const id = ids[i];
      if (k.task(id).status === "ready") k.complete(id, { summary: "done with a short summary" });
    }
  })();
  k.close();
}

const srv = await startServer({ home });
const figures: Record<string, unknown> = { machine: machineInfo(), tasks: TASKS, concurrency: CONCURRENCY };
try {
  // Board: HTTP (request → last byte) vs the kernel's query in this process, alternating.
  const k = openKernel(path.join(home, "kanban.db"));
  const httpMs: number[] = [];
  const kernelMs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 13; i++) {
    let t = performance.now();
    const r = await request(`${srv.url}/api/board`, "GET");
    const h = performance.now() - t;
    if (r.status !== 200) throw new Error(`board ${r.status}`);
    bytes = r.bytes;
    t = performance.now();
    k.board();
    const kk = performance.now() - t;
    if (i >= 3) {
      httpMs.push(h);
      kernelMs.push(kk);
    }
  }
  figures.board = { http_ms: round(median(httpMs), 1), kernel_ms: round(median(kernelMs), 1), overhead: round(median(httpMs) / median(kernelMs) - 1, 2), payload_kib: round(bytes / 1024, 0) };

  // Kernel-only rates on the same DB, for scale.
  let t = performance.now();
  const kid: string[] = [];
  for (let i = 0; i < REQUESTS; i++) kid.push(k.create({ title: `kernel ${i}`, assignee: "bench-k" }).task.id);
  const kernelCreate = REQUESTS / ((performance.now() - t) / 1000);
  t = performance.now();
  for (const id of kid) {
    const c = k.claim(id);
    k.complete(id, { runId: c.run_id, summary: "ok" });
  }
  const kernelCycles = REQUESTS / ((performance.now() - t) / 1000);
  k.close();

  // HTTP with 10 concurrent clients.
  const lat: number[] = [];
  const ids: string[] = [];
  t = performance.now();
  await pool(REQUESTS, async (i) => {
    const s = performance.now();
    const r = await request(`${srv.url}/api/tasks`, "POST", { title: `http ${i}`, assignee: "bench-h" });
    lat.push(performance.now() - s);
    if (r.status !== 201) throw new Error(`create ${r.status}`);
    ids.push(r.json().id);
  });
  const httpCreate = REQUESTS / ((performance.now() - t) / 1000);
  const cyc: number[] = [];
  t = performance.now();
  await pool(ids.length, async (i) => {
    const s = performance.now();
    const c = await request(`${srv.url}/api/tasks/${ids[i]}/claim`, "POST", {});
    if (c.status !== 200) throw new Error(`claim ${c.status}`);
    const d = await request(`${srv.url}/api/tasks/${ids[i]}/complete`, "POST", { run_id: c.json().run_id, summary: "ok" });
    if (d.status !== 200) throw new Error(`complete ${d.status}`);
    cyc.push(performance.now() - s);
  });
  const httpCycles = ids.length / ((performance.now() - t) / 1000);
  figures.create = { http_per_s: round(httpCreate, 0), kernel_per_s: round(kernelCreate, 0), http_p50_ms: round(median(lat), 2), http_p95_ms: round(quantile(lat, 0.95), 2) };
  figures.cycles = { http_per_s: round(httpCycles, 0), kernel_per_s: round(kernelCycles, 0), http_p50_ms: round(median(cyc), 2), http_p95_ms: round(quantile(cyc, 0.95), 2) };
} finally {
  await srv.stop();
  agent.destroy();
  fs.rmSync(home, { recursive: true, force: true });
}

const b = figures.board as { http_ms: number; kernel_ms: number; overhead: number; payload_kib: number };
const c = figures.create as { http_per_s: number; kernel_per_s: number; http_p50_ms: number; http_p95_ms: number };
const y = figures.cycles as typeof c;
figures.pass = { board_overhead: b.overhead < 0.5 };
const table = markdownTable(
  ["metric", "over HTTP", "kernel alone", "ratio", "target", "pass"],
  [
    [`GET /api/board, ${TASKS.toLocaleString("en")} tasks (median, to last byte)`, `${b.http_ms} ms (${b.payload_kib} KiB)`, `${b.kernel_ms} ms`, `+${Math.round(b.overhead * 100)}%`, "HTTP adds < 50%", b.overhead < 0.5 ? "pass" : "MISSED"],
    [`POST /api/tasks, ${CONCURRENCY} concurrent clients`, `${c.http_per_s}/s (p50 ${c.http_p50_ms} ms, p95 ${c.http_p95_ms} ms)`, `${c.kernel_per_s}/s`, `${round((c.http_per_s / c.kernel_per_s) * 100, 0)}%`, "reported", "—"],
    [`claim→complete over HTTP, ${CONCURRENCY} concurrent clients`, `${y.http_per_s} cycles/s (p50 ${y.http_p50_ms} ms)`, `${y.kernel_per_s} cycles/s`, `${round((y.http_per_s / y.kernel_per_s) * 100, 0)}%`, "reported", "—"],
  ],
);
if (JSON_OUT) process.stdout.write(JSON.stringify(figures) + "\n");
else process.stdout.write(table + "\n");
if (WRITE) {
  const m = figures.machine as ReturnType<typeof machineInfo>;
  writeSection(path.join(REPO, "docs/perf.md"), "http", `## HTTP API (issue 4)

\`npx tsx bench/http-bench.ts\` (also run by \`npm run bench\`). ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.date}.
The real production server (\`server.ts\`, dispatcher off) on loopback, keep-alive connections; the kernel figures run in the bench process on the same DB file between the HTTP runs. Board: median of 10 after 3 warm-ups, alternating HTTP and kernel. ${REQUESTS} creates and ${REQUESTS} claim→complete cycles per side.

${table}`);
}
