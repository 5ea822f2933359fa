/**
 * Terminal output: aligned tables, status icons, relative times, colour only on a TTY (and never
 * with NO_COLOR). Pure functions of their input plus an `Out` that knows whether colour is on.
 */
export interface Out {
  color: boolean;
  width: number;
  write(s: string): void;
  err(s: string): void;
}

export function makeOut(env: NodeJS.ProcessEnv = process.env): Out {
  const tty = !!process.stdout.isTTY;
  // NO_COLOR (any non-empty value, no-color.org) always wins, even over FORCE_COLOR.
  const force = env.FORCE_COLOR && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  const color = env.NO_COLOR ? false : force ? true : tty && env.TERM !== "dumb";
  return {
    color,
    width: process.stdout.columns || 120,
    write: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
  };
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;
export type Color = keyof typeof CODES;

export function paint(out: Out, color: Color, s: string): string {
  return out.color ? `\x1b[${CODES[color]}m${s}\x1b[0m` : s;
}

export const STATUS_STYLE: Record<string, { icon: string; color: Color }> = {
  triage: { icon: "◇", color: "magenta" },
  todo: { icon: "○", color: "gray" },
  scheduled: { icon: "◷", color: "cyan" },
  ready: { icon: "●", color: "blue" },
  running: { icon: "▶", color: "yellow" },
  blocked: { icon: "■", color: "red" },
  review: { icon: "◆", color: "magenta" },
  done: { icon: "✓", color: "green" },
  archived: { icon: "▪", color: "gray" },
};

export function statusLabel(out: Out, status: string): string {
  const s = STATUS_STYLE[status] ?? { icon: "?", color: "gray" as Color };
  return paint(out, s.color, `${s.icon} ${status}`);
}

/** "12s ago", "5m ago", "3h ago", "4d ago"; "in 5m" for the future. */
export function relTime(t: number | null | undefined, now: number): string {
  if (t == null) return "—";
  const d = now - t;
  const a = Math.abs(d);
  const v = a < 60 ? `${a}s` : a < 3600 ? `${Math.floor(a / 60)}m` : a < 86_400 ? `${Math.floor(a / 3600)}h` : `${Math.floor(a / 86_400)}d`;
  return d >= 0 ? `${v} ago` : `in ${v}`;
}

export function isoTime(t: number | null | undefined): string {
  return t == null ? "—" : new Date(t * 1000).toISOString().replace(".000Z", "Z");
}

/** Visible length, ignoring ANSI colour codes. */
export function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return [...s.replace(/\x1b\[[0-9;]*m/g, "")].length;
}

export function truncate(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? chars.slice(0, Math.max(0, n - 1)).join("") + "…" : s;
}

/**
 * An aligned table. The `flex` column (usually the title) absorbs what is left of the terminal
 * width and is truncated with an ellipsis.
 */
export function table(out: Out, headers: string[], rows: string[][], flex = -1): string {
  if (rows.length === 0) return "";
  const widths = headers.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ""))));
  if (flex >= 0) {
    const others = widths.reduce((s, w, i) => (i === flex ? s : s + w + 2), 0);
    widths[flex] = Math.max(10, Math.min(widths[flex], out.width - others - 1));
  }
  const pad = (s: string, w: number) => s + " ".repeat(Math.max(0, w - visibleLength(s)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === flex ? pad(truncate(c, widths[i]), widths[i]) : pad(c, widths[i])))
      .join("  ")
      .trimEnd();
  return [paint(out, "dim", line(headers)), ...rows.map(line)].join("\n") + "\n";
}
