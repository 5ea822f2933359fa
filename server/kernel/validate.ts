/** Semantic checks the kernel makes itself, whatever edge the command came from. */
import path from "node:path";
import { validation } from "./errors";
import { WORKSPACE_KINDS, type WorkspaceKind } from "./types";

export function cleanTitle(title: unknown): string {
  if (typeof title !== "string" || title.trim() === "") throw validation("title must be a non-blank string");
  const t = title.trim();
  if (t.length > 500) throw validation(`title is too long (${t.length} characters, at most 500)`);
  return t;
}

export function cleanAssignee(a: string | null | undefined): string | null {
  if (a == null) return null;
  const v = a.trim().toLowerCase();
  if (v === "") return null;
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(v)) {
    throw validation(`assignee "${a}" must be a profile-style name (letters, digits, . _ -; at most 64)`);
  }
  return v;
}

export function cleanTenant(t: string | null | undefined): string | null {
  if (t == null) return null;
  const v = t.trim();
  if (v === "") return null;
  if (v.length > 100) throw validation("tenant is too long (at most 100 characters)");
  return v;
}

export function cleanSkills(skills: string[] | null | undefined): string | null {
  if (skills == null) return null;
  if (!Array.isArray(skills)) throw validation("skills must be an array of names");
  const out: string[] = [];
  for (const s of skills) {
    if (typeof s !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/.test(s.trim())) {
      throw validation(`skill "${String(s)}" is not a valid skill name`);
    }
    if (!out.includes(s.trim())) out.push(s.trim());
  }
  return out.length ? JSON.stringify(out) : null;
}

export function optionalInt(name: string, v: number | null | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | null {
  if (v == null) return null;
  if (!Number.isInteger(v) || v < min || v > max) throw validation(`${name} must be an integer between ${min} and ${max}`);
  return v;
}

export function cleanPriority(p: number | null | undefined): number {
  return optionalInt("priority", p, -1_000_000, 1_000_000) ?? 0;
}

export interface WorkspaceSpec {
  kind: WorkspaceKind;
  path: string | null;
  branch: string | null;
}

/**
 * Workspace rules (SPEC §4.1, §6.3): kind scratch|dir|worktree; `dir` needs an absolute path;
 * paths may not traverse (`..`); a branch only on a worktree task.
 */
export function cleanWorkspace(kind: string | null | undefined, p: string | null | undefined, branch: string | null | undefined): WorkspaceSpec {
  const k = (kind ?? "scratch") as WorkspaceKind;
  if (!WORKSPACE_KINDS.includes(k)) throw validation(`workspace kind must be one of ${WORKSPACE_KINDS.join(", ")}, got "${kind}"`);
  let wp: string | null = p == null || p === "" ? null : p;
  if (k === "scratch" && wp != null) throw validation("a scratch workspace takes no path (it lives under the managed root)");
  if (k === "dir" && wp == null) throw validation("a dir workspace needs an absolute path (dir:/abs/path)");
  if (wp != null) {
    if (!path.isAbsolute(wp)) throw validation(`workspace path must be absolute, got "${wp}"`);
    if (wp.split(/[\\/]+/).includes("..")) throw validation(`workspace path may not contain "..": "${wp}"`);
    if (wp.includes("\0")) throw validation("workspace path contains a NUL byte");
    wp = path.normalize(wp);
  }
  const br = branch == null || branch === "" ? null : branch;
  if (br != null) {
    if (k !== "worktree") throw validation("a branch can only be set on a worktree workspace");
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/.test(br) || br.includes("..") || br.endsWith(".lock")) {
      throw validation(`branch name "${br}" is not a valid git branch name`);
    }
  }
  return { kind: k, path: wp, branch: br };
}

export function requireText(name: string, v: unknown, max = 100_000): string {
  if (typeof v !== "string" || v.trim() === "") throw validation(`${name} must be a non-blank string`);
  if (v.length > max) throw validation(`${name} is too long (${v.length} characters, at most ${max})`);
  return v;
}

export function optionalText(name: string, v: unknown, max = 100_000): string | null {
  if (v == null) return null;
  if (typeof v !== "string") throw validation(`${name} must be a string`);
  if (v.length > max) throw validation(`${name} is too long (${v.length} characters, at most ${max})`);
  return v;
}

/** Metadata is a JSON object (given as an object or as JSON text); stored as JSON text. */
export function cleanMetadata(m: unknown): string | null {
  if (m == null) return null;
  let v = m;
  if (typeof m === "string") {
    try {
      v = JSON.parse(m);
    } catch (e) {
      throw validation(`metadata is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw validation("metadata must be a JSON object");
  const s = JSON.stringify(v);
  if (s.length > 100_000) throw validation("metadata is too large (at most 100,000 characters of JSON)");
  return s;
}
