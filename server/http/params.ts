/** Query-string and request-field parsing with errors that name the parameter. */
import { HttpError } from "./errors";

export function intParam(q: Record<string, string>, name: string, opts: { min?: number; max?: number; def?: number } = {}): number | undefined {
  const raw = q[name];
  if (raw === undefined || raw === "") return opts.def;
  if (!/^-?\d+$/.test(raw)) throw new HttpError(400, "validation", `query.${name}: "${raw}" is not an integer`);
  const n = Number(raw);
  if (opts.min !== undefined && n < opts.min) throw new HttpError(400, "validation", `query.${name}: must be at least ${opts.min}`);
  if (opts.max !== undefined && n > opts.max) throw new HttpError(400, "validation", `query.${name}: must be at most ${opts.max}`);
  return n;
}

export function boolParam(q: Record<string, string>, name: string): boolean {
  const raw = q[name];
  if (raw === undefined || raw === "" || raw === "0" || raw === "false") return false;
  if (raw === "1" || raw === "true") return true;
  throw new HttpError(400, "validation", `query.${name}: use 1/true or 0/false`);
}

export function listParam(q: Record<string, string>, name: string): string[] | undefined {
  const raw = q[name];
  if (raw === undefined || raw === "") return undefined;
  return raw.split(",").map((s) => s.trim()).filter(Boolean);
}

/** Splits a Hermes-style `workspace` spec (scratch | dir:<p> | worktree[:<p>]) into kind and path. */
export function workspaceSpec(spec: string | undefined): { workspace_kind?: string; workspace_path?: string | null } {
  if (spec === undefined) return {};
  const i = spec.indexOf(":");
  const kind = i < 0 ? spec : spec.slice(0, i);
  if (!["scratch", "dir", "worktree"].includes(kind)) throw new HttpError(400, "validation", `body.workspace: "${spec}" must be scratch, dir:<absolute path> or worktree[:<absolute path>]`);
  return { workspace_kind: kind, workspace_path: i < 0 ? null : spec.slice(i + 1) || null };
}
