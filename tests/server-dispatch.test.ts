/**
 * The dispatcher inside the real server (server.ts): a task created over HTTP is started at once
 * by the in-server dispatcher and completes through its worker; SIGKILL of the server mid-run
 * leaves an orphaned run that the next server resolves (crash-detected and restarted), never
 * stuck `running`.
 */
import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import WebSocket from "ws";
import { startServer, type RunningServer } from "./server-harness";
import { waitFor, ex, isAlive, sleep, killProcessesWithEnv } from "./dispatcher/harness";

const servers: RunningServer[] = [];
const homes: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  for (const h of homes.splice(0)) {
    for (const line of fs.existsSync(path.join(h, "pids")) ? fs.readFileSync(path.join(h, "pids"), "utf8").split(/\s+/) : []) {
      const pid = Number(line);
      if (pid > 0) {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }
    }
    // Anything else still running on this home (a worker the restarted server spawned) goes too,
    // and the removal retries while a dying process may still be writing its log.
    await killProcessesWithEnv(`KANBAN_HOME=${h}`);
    fs.rmSync(h, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
});

function home(profiles: string): string {
  const h = fs.mkdtempSync(path.join(os.tmpdir(), "kanban-srvdisp-"));
  homes.push(h);
  fs.writeFileSync(path.join(h, "config.yaml"), `dispatch:\n  interval_seconds: 0.5\n  crash_grace_seconds: 1\n${profiles}`);
  return h;
}

const json = async (url: string, init?: RequestInit) => {
  const r = await fetch(url, { ...init, headers: { "content-type": "application/json", ...(init?.headers ?? {}) } });
  return { status: r.status, body: await r.json() };
};

function row(h: string, id: string) {
  const db = new Database(path.join(h, "kanban.db"), { readonly: true });
  try {
    return {
      task: db.prepare("SELECT status, worker_pid, current_run_id FROM tasks WHERE id = ?").get(id) as { status: string; worker_pid: number | null; current_run_id: number | null },
      runs: db.prepare("SELECT id, outcome, summary FROM task_runs WHERE task_id = ? ORDER BY id").all(id) as { id: number; outcome: string | null; summary: string | null }[],
    };
  } finally {
    db.close();
  }
}

describe("the in-server dispatcher", () => {
  it("starts a task created over HTTP at once and its worker completes it", async () => {
    const h = home(`profiles:\n  demo:\n    command: ["node", "${ex("complete.mjs")}", "{title}"]\n`);
    const srv = await startServer({ home: h, env: { KANBAN_DISPATCH: "1", WORK_MS: "0" } });
    servers.push(srv);
    const t0 = Date.now();
    const { status, body } = await json(`${srv.url}/api/tasks`, { method: "POST", body: JSON.stringify({ title: "served", assignee: "demo" }) });
    expect(status).toBe(201);
    await waitFor(() => row(h, body.id).runs.length > 0, "the worker to start", 10_000);
    const startedMs = Date.now() - t0;
    await waitFor(() => row(h, body.id).task.status === "done", "the worker to complete", 20_000, () => srv.output());
    const r = row(h, body.id);
    expect(r.runs).toHaveLength(1);
    expect(r.runs[0]).toMatchObject({ outcome: "completed" });
    expect(r.runs[0].summary).toMatch(/^done by worker \d+$/);
    expect(startedMs).toBeLessThan(5_000); // sanity; the bench measures the real figure (~70 ms)
    const health = await json(`${srv.url}/api/health`);
    expect(health.body.dispatcher).toMatchObject({ in_server: true, stuck: false });
  });

  it("after a SIGKILL of the server mid-run, the restarted server resolves the orphaned run", async () => {
    const h = home(`profiles:\n  sleeper:\n    command: ["node", "${ex("sleep.mjs")}"]\n`);
    const pidsFile = path.join(h, "pids");
    const env = { KANBAN_DISPATCH: "1", PIDS_FILE: pidsFile, HEARTBEAT: "0" };
    const first = await startServer({ home: h, env });
    const { body } = await json(`${first.url}/api/tasks`, { method: "POST", body: JSON.stringify({ title: "long job", assignee: "sleeper", max_retries: 5 }) });
    const pid = await waitFor(() => row(h, body.id).task.worker_pid, "the worker pid to be recorded", 10_000);
    expect(isAlive(pid)).toBe(true);

    first.proc.kill("SIGKILL"); // no shutdown handler runs
    await new Promise((r) => first.proc.once("exit", r));
    await first.stop();
    expect(row(h, body.id).task.status).toBe("running"); // the orphan, as the crash left it
    process.kill(-pid, "SIGKILL"); // the worker dies while no server is up
    await waitFor(() => !isAlive(pid), "the orphaned worker to die", 10_000);

    const second = await startServer({ home: h, env });
    servers.push(second);
    // The new server's liveness pass finds the dead pid (after the 1 s crash grace), closes the
    // run as crashed, and the dispatcher starts the task again.
    const after = await waitFor(() => {
      const r = row(h, body.id);
      return r.runs.length >= 2 && r.runs[0].outcome === "crashed" && r.task.status === "running" ? r : null;
    }, "the orphaned run to be resolved and the task restarted", 20_000, () => second.output());
    expect(after.runs[0].outcome).toBe("crashed");
    expect(after.runs.filter((x) => x.outcome === null)).toHaveLength(1); // exactly one open run
    await sleep(10);
  });

  it("SIGTERM: the server closes WebSocket clients (1001) and exits 0 within 2 s; workers run on", async () => {
    const h = home(`profiles:\n  sleeper:\n    command: ["node", "${ex("sleep.mjs")}"]\n`);
    const env = { KANBAN_DISPATCH: "1", PIDS_FILE: path.join(h, "pids"), HEARTBEAT: "0" };
    const srv = await startServer({ home: h, env });
    servers.push(srv);
    const { body } = await json(`${srv.url}/api/tasks`, { method: "POST", body: JSON.stringify({ title: "runs on", assignee: "sleeper" }) });
    const pid = await waitFor(() => row(h, body.id).task.worker_pid, "the worker pid", 10_000);
    const ws = new WebSocket(`${srv.url.replace("http", "ws")}/ws`);
    await new Promise((r) => ws.once("message", r)); // hello
    const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
    const exited = new Promise<number | null>((r) => srv.proc.once("exit", (code) => r(code)));
    const t0 = Date.now();
    srv.proc.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await closed).toBe(1001);
    expect(isAlive(pid)).toBe(true); // its own process group: stopping the server does not kill work
  });
});
