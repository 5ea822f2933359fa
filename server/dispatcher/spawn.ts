/**
 * Starting one worker process (SPEC §6.2): argv array (never a shell), cwd = workspace, stdin
 * null, stdout+stderr appended to the task's log, its own process group (so reclaim and timeouts
 * end the whole tree). The executable is resolved first so "command not found" is a clear
 * spawn failure instead of an asynchronous error event.
 */
import fs from "node:fs";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";

export class SpawnError extends Error {}

export function resolveExecutable(cmd: string, env: NodeJS.ProcessEnv): string {
  if (cmd.includes("/")) {
    const abs = path.resolve(cmd);
    try {
      fs.accessSync(abs, fs.constants.X_OK);
      if (!fs.statSync(abs).isFile()) throw new Error("not a file");
      return abs;
    } catch {
      throw new SpawnError(`command not executable: ${abs}`);
    }
  }
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      /* keep looking */
    }
  }
  throw new SpawnError(`command not found on PATH: ${cmd}`);
}

export interface Spawned {
  child: ChildProcess;
  pid: number;
}

export function spawnWorker(argv: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; logFd: number }): Spawned {
  if (argv.length === 0) throw new SpawnError("the profile's command is empty");
  const exe = resolveExecutable(argv[0], opts.env);
  let child: ChildProcess;
  try {
    child = spawn(exe, argv.slice(1), {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["ignore", opts.logFd, opts.logFd],
      detached: true, // own process group: kill(-pid) ends the tree
      shell: false,
      argv0: argv[0],
    });
  } catch (e) {
    throw new SpawnError(`spawn ${argv[0]}: ${(e as Error).message}`);
  }
  if (child.pid === undefined) {
    child.on("error", () => undefined); // the async error event would otherwise be unhandled
    throw new SpawnError(`spawn ${argv[0]} failed (no process was started)`);
  }
  return { child, pid: child.pid };
}
