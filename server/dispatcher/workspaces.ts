/**
 * Workspaces (SPEC §6.3). scratch: `<root>/<task_id>/`, removed when the task is archived, never
 * anything outside the managed root, symlinks never followed. dir:<abs>: created if missing,
 * kept. worktree[:<repo>]: a real `git worktree add` (branch `branch_name` or `wt/<task_id>`)
 * anchored at the repo, reused on retry. Git runs with argv arrays, never a shell.
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import type { Task } from "../kernel/types";

export class WorkspaceError extends Error {}

const TASK_ID = /^t_[0-9a-f]{8}$|^[A-Za-z0-9_-]{1,64}$/;

function assertNoTraversal(p: string): void {
  if (!path.isAbsolute(p)) throw new WorkspaceError(`workspace path must be absolute: ${p}`);
  if (p.split(/[\\/]+/).includes("..")) throw new WorkspaceError(`workspace path may not contain "..": ${p}`);
}

/** `<root>/<id>` for a scratch (or worktree) workspace, refusing anything that escapes the root. */
export function managedPath(root: string, taskId: string): string {
  if (!TASK_ID.test(taskId)) throw new WorkspaceError(`not a task id: ${taskId}`);
  fs.mkdirSync(root, { recursive: true });
  const realRoot = fs.realpathSync(root);
  const target = path.join(realRoot, taskId);
  if (path.dirname(target) !== realRoot) throw new WorkspaceError(`workspace ${target} escapes ${realRoot}`);
  try {
    const st = fs.lstatSync(target);
    if (st.isSymbolicLink()) throw new WorkspaceError(`workspace ${target} is a symlink; refusing to follow it out of the managed root`);
    if (!st.isDirectory()) throw new WorkspaceError(`workspace ${target} exists and is not a directory`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  return target;
}

function git(args: string[], cwd?: string): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new WorkspaceError(`git ${args.join(" ")}: ${(err.stderr || err.message).trim().split("\n")[0]}`);
  }
}

/** Creates (or reuses) the task's workspace and returns its absolute path. */
export function prepareWorkspace(task: Task, root: string, defaultRepo: string = process.cwd()): string {
  switch (task.workspace_kind) {
    case "dir": {
      if (!task.workspace_path) throw new WorkspaceError("a dir workspace needs a path");
      assertNoTraversal(task.workspace_path);
      fs.mkdirSync(task.workspace_path, { recursive: true });
      return task.workspace_path;
    }
    case "worktree": {
      const repo = task.workspace_path ?? defaultRepo;
      assertNoTraversal(repo);
      const top = git(["-C", repo, "rev-parse", "--show-toplevel"]).trim();
      const dir = managedPath(root, task.id);
      const branch = task.branch_name ?? `wt/${task.id}`;
      if (fs.existsSync(dir)) {
        // Reuse on retry: it must be a worktree of the same repository.
        const common = git(["-C", dir, "rev-parse", "--git-common-dir"]).trim();
        const repoCommon = git(["-C", top, "rev-parse", "--git-common-dir"]).trim();
        if (path.resolve(dir, common) !== path.resolve(top, repoCommon)) {
          throw new WorkspaceError(`${dir} exists but is not a worktree of ${top}`);
        }
        return dir;
      }
      const exists = (() => {
        try {
          git(["-C", top, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]);
          return true;
        } catch {
          return false;
        }
      })();
      git(exists ? ["-C", top, "worktree", "add", dir, branch] : ["-C", top, "worktree", "add", "-b", branch, dir]);
      return dir;
    }
    default: {
      const dir = managedPath(root, task.id);
      fs.mkdirSync(dir, { recursive: true });
      return dir;
    }
  }
}

/**
 * Removes the scratch workspace of an archived task. Only `<root>/<id>` itself; a symlink there
 * is unlinked, never followed. Returns true when something was removed.
 */
export function removeScratchWorkspace(root: string, taskId: string): boolean {
  if (!TASK_ID.test(taskId) || !fs.existsSync(root)) return false;
  const realRoot = fs.realpathSync(root);
  const target = path.join(realRoot, taskId);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(target);
  } catch {
    return false;
  }
  if (st.isSymbolicLink()) {
    fs.unlinkSync(target);
    return true;
  }
  if (!st.isDirectory()) return false;
  fs.rmSync(target, { recursive: true, force: true });
  return true;
}
