/**
 * Starts the real server (production build, `node --import tsx server.ts`) on a free port with
 * its own temp KANBAN_HOME, for API and WebSocket integration tests. Needs `npm run build` first
 * (`npm test` builds before vitest).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface RunningServer {
  url: string;
  port: number;
  home: string;
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export async function startServer(opts: { env?: Record<string, string>; home?: string; host?: string } = {}): Promise<RunningServer> {
  if (!fs.existsSync(path.join(REPO, ".next", "BUILD_ID"))) throw new Error("no production build: run `npm run build` first");
  const home = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), "kanban-srv-"));
  const env: NodeJS.ProcessEnv = { ...process.env, KANBAN_HOME: home, PORT: "0", HOST: opts.host ?? "127.0.0.1", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", KANBAN_DISPATCH: "0", ...opts.env };
  for (const k of ["KANBAN_DB", "KANBAN_TOKEN", "KANBAN_TASK", "KANBAN_RUN_ID"]) if (!(opts.env && k in opts.env)) delete env[k];
  const proc = spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${out}`)), 30_000);
    const onData = () => {
      const m = /listening on http:\/\/\S+?:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout!.on("data", onData);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  const host = opts.host && opts.host !== "0.0.0.0" ? opts.host : "127.0.0.1";
  return {
    url: `http://${host}:${port}`,
    port,
    home,
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        await exited;
      }
      if (!opts.home) fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
