/** Parsing of CLI argument values; each failure is a UsageError (exit 2) naming the flag. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90s", "5m", "2h", "1d" or a bare number of seconds → seconds. */
export function parseDuration(flag: string, v: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(v.trim());
  if (!m) throw new UsageError(`${flag}: "${v}" is not a duration (use e.g. 90s, 5m, 2h, 1d)`);
  const n = Number(m[1]) * UNITS[m[2] || "s"];
  if (n <= 0) throw new UsageError(`${flag}: the duration must be positive`);
  return n;
}

/** An ISO date-time, or "+2h"-style offset from now → Unix seconds. */
export function parseWhen(flag: string, v: string, now: number): number {
  const rel = /^\+(\d+)\s*([smhd])$/.exec(v.trim());
  if (rel) return now + Number(rel[1]) * UNITS[rel[2]];
  if (/^\d{4}-\d{2}-\d{2}/.test(v.trim())) {
    const t = Date.parse(v.trim());
    if (!Number.isNaN(t)) return Math.floor(t / 1000);
  }
  throw new UsageError(`${flag}: "${v}" is not a time (use an ISO date-time like 2026-12-01T09:00:00Z, or +30m, +2h, +1d)`);
}

export function parseInteger(flag: string, v: string, min = -Number.MAX_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(v.trim())) throw new UsageError(`${flag}: "${v}" is not an integer`);
  const n = Number(v);
  if (n < min) throw new UsageError(`${flag}: must be at least ${min}`);
  return n;
}

export function parseNumber(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n)) throw new UsageError(`${flag}: "${v}" is not a number`);
  return n;
}

/** `--metadata '<json object>'` */
export function parseJsonObject(flag: string, v: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch (e) {
    throw new UsageError(`${flag}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new UsageError(`${flag}: must be a JSON object`);
  return parsed as Record<string, unknown>;
}

/** Comma-separated and/or repeated values → a flat list. */
export function splitList(values: string[] | string | undefined): string[] {
  if (values == null) return [];
  const arr = Array.isArray(values) ? values : [values];
  return arr.flatMap((v) => v.split(",")).map((s) => s.trim()).filter(Boolean);
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--workspace scratch | dir:<abs> | worktree[:<abs>]` */
export function parseWorkspace(v: string): { workspace_kind: string; workspace_path: string | null } {
  const i = v.indexOf(":");
  const kind = i < 0 ? v : v.slice(0, i);
  const p = i < 0 ? null : v.slice(i + 1);
  if (!["scratch", "dir", "worktree"].includes(kind)) {
    throw new UsageError(`--workspace: "${v}" must be scratch, dir:<absolute path> or worktree[:<absolute path>]`);
  }
  return { workspace_kind: kind, workspace_path: p || null };
}
