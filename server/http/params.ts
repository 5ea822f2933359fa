/** Query-string parsing with errors that name the parameter. */
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
