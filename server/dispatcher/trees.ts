/**
 * Worker process trees the dispatcher started (SPEC §4.2, §6.2: "own process group, so reclaim
 * ends the whole tree"). Every worker leads its own process group; when its run is ended from
 * outside (reclaimed, timed out, stale, archived, deleted) no process of that group may survive.
 *
 * The kernel signals the worker when it ends such a run (SIGTERM, SIGKILL after 5 s), but only
 * from the process that ended the run, and it escalates only while the group *leader* is still
 * there: a `kanban reclaim` CLI exits before its 5 s timer fires, and a leader that died of
 * SIGTERM (and was reaped here) hides a grandchild that ignores SIGTERM. The dispatcher that
 * spawned the tree therefore watches it until the group is empty and finishes the job itself.
 */
import fs from "node:fs";

/** Run outcomes after which the worker's whole tree must be ended. */
export const ENDED_BY_OTHERS = new Set(["reclaimed", "timed_out", "stale"]);

/** Pids of live (not zombie) processes in process group `pgid`, read from /proc. */
export function liveGroupMembers(pgid: number): number[] {
  const out: number[] = [];
  let names: string[];
  try {
    names = fs.readdirSync("/proc");
  } catch {
    return out;
  }
  for (const name of names) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the parenthesised command name: state, ppid, pgrp, ...
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(rest[2]) !== pgid) continue;
    if (rest[0] === "Z" || rest[0] === "X") continue;
    out.push(Number(name));
  }
  return out;
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* the group is gone */
  }
}

interface Tree {
  taskId: string;
  runId: number;
  leaderExited: boolean;
  terminating: boolean;
}

export class TreeWatch {
  private readonly trees = new Map<number, Tree>();

  constructor(private readonly graceMs = 5000) {}

  add(pgid: number, taskId: string, runId: number): void {
    this.trees.set(pgid, { taskId, runId, leaderExited: false, terminating: false });
  }

  leaderExited(pgid: number): void {
    const t = this.trees.get(pgid);
    if (t) t.leaderExited = true;
  }

  get size(): number {
    return this.trees.size;
  }

  /**
   * Ends the trees whose runs were ended by someone else: SIGTERM to the group, SIGKILL after the
   * grace if any member is left. `outcomeOf(runId)` is the run's outcome (null while open,
   * undefined when the run no longer exists, i.e. the task was deleted). Trees whose leader
   * exited and whose run ended any other way are forgotten (what a finished worker leaves
   * behind is its own business).
   */
  sweep(outcomeOf: (runId: number) => string | null | undefined, log: (m: string) => void): void {
    for (const [pgid, t] of this.trees) {
      if (t.terminating) continue;
      const outcome = outcomeOf(t.runId);
      const endedByOthers = outcome === undefined || (outcome != null && ENDED_BY_OTHERS.has(outcome));
      if (!endedByOthers) {
        if (t.leaderExited) this.trees.delete(pgid);
        continue;
      }
      const members = liveGroupMembers(pgid);
      if (members.length === 0) {
        this.trees.delete(pgid);
        continue;
      }
      t.terminating = true;
      log(`Fleet Kanban dispatcher: run ${t.runId} of ${t.taskId} was ${outcome ?? "deleted"}; ending worker tree ${pgid} (pids ${members.join(", ")})`);
      signalGroup(pgid, "SIGTERM");
      const timer = setTimeout(() => {
        this.trees.delete(pgid);
        const left = liveGroupMembers(pgid);
        if (left.length) {
          log(`Fleet Kanban dispatcher: worker tree ${pgid} outlived SIGTERM; SIGKILL to pids ${left.join(", ")}`);
          signalGroup(pgid, "SIGKILL");
        }
      }, this.graceMs);
      timer.unref();
    }
  }

  clear(): void {
    this.trees.clear();
  }
}
