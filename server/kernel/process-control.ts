/**
 * Process control behind one small interface, so liveness logic can run against real processes
 * (Linux /proc) in production and in multi-process tests, and against fakes in unit tests.
 */
import fs from "node:fs";
import os from "node:os";

export type ProcState = "alive" | "zombie" | "gone";

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

export interface ProcessControl {
  hostname(): string;
  selfPid(): number;
  state(pid: number): ProcState;
  /** How a process ended, when known (a child the dispatcher reaped, or a zombie's /proc/stat). */
  exitInfo(pid: number): ExitInfo | null;
  /** SIGTERM the process group (or the pid), SIGKILL after `graceMs` if still there. Never throws. */
  terminate(pid: number, graceMs?: number): void;
}

const SIGNAL_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(os.constants.signals).map(([name, n]) => [n as number, name]),
);

/** Decodes the wait(2) status Linux keeps in /proc/<pid>/stat field 52 of a zombie. */
export function decodeWaitStatus(status: number): ExitInfo {
  const sig = status & 0x7f;
  if (sig === 0) return { code: (status >> 8) & 0xff, signal: null };
  return { code: null, signal: SIGNAL_NAMES[sig] ?? `SIG${sig}` };
}

export class LinuxProcessControl implements ProcessControl {
  /** Exit statuses of children this process reaped (recorded by the dispatcher's spawner). */
  private readonly reaped = new Map<number, ExitInfo>();

  private readonly host = os.hostname();

  hostname() {
    return this.host;
  }
  selfPid() {
    return process.pid;
  }

  recordExit(pid: number, info: ExitInfo) {
    this.reaped.set(pid, info);
    if (this.reaped.size > 10_000) this.reaped.delete(this.reaped.keys().next().value as number);
  }

  /** A new child got this pid: an exit recorded for an earlier process with it no longer applies. */
  forget(pid: number) {
    this.reaped.delete(pid);
  }

  /** /proc is the truth: a recorded exit never hides a live process that reuses the pid. */
  state(pid: number): ProcState {
    if (!Number.isInteger(pid) || pid <= 0) return "gone";
    let status: string;
    try {
      status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    } catch {
      return "gone";
    }
    const m = /^State:\s+(\S)/m.exec(status);
    if (m && (m[1] === "Z" || m[1] === "X")) return "zombie";
    return "alive";
  }

  exitInfo(pid: number): ExitInfo | null {
    const known = this.reaped.get(pid);
    if (known) return this.state(pid) === "alive" ? null : known;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the parenthesised command name; field 3 is the state, 52 the exit code.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).trim().split(" ");
      if (rest[0] !== "Z") return null;
      const raw = Number(rest[52 - 3]);
      return Number.isFinite(raw) ? decodeWaitStatus(raw) : null;
    } catch {
      return null;
    }
  }

  /** True while any process of the group led by `pid` exists (kill(-pgid, 0) probes it). */
  groupAlive(pid: number): boolean {
    try {
      process.kill(-pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "EPERM";
    }
  }

  terminate(pid: number, graceMs = 5000) {
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return;
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig); // the worker's own process group: ends the whole tree
        return;
      } catch {
        /* not a group leader, or gone */
      }
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    };
    signal("SIGTERM");
    const t = setTimeout(() => {
      // Escalate while anything of the tree is left: the group, not just its (maybe reaped) leader.
      if (this.groupAlive(pid) || this.state(pid) === "alive") signal("SIGKILL");
    }, graceMs);
    t.unref();
  }
}

/** A scriptable fake for unit tests. */
export class FakeProcessControl implements ProcessControl {
  host = "testhost";
  pid = 4242;
  states = new Map<number, ProcState>();
  exits = new Map<number, ExitInfo>();
  terminated: number[] = [];
  hostname() {
    return this.host;
  }
  selfPid() {
    return this.pid;
  }
  state(pid: number): ProcState {
    return this.states.get(pid) ?? "gone";
  }
  exitInfo(pid: number) {
    return this.exits.get(pid) ?? null;
  }
  terminate(pid: number) {
    this.terminated.push(pid);
    this.states.set(pid, "gone");
  }
}
