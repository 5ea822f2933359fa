/** Parsing and formatting for the drawer's limit fields. */
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "90s", "5m", "2h", "1h30m", "1d", or a bare number of seconds → seconds; "" → null. */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase().replace(/\s+/g, "");
  if (!s) return null;
  if (/^\d+$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)([smhd])/g;
  let total = 0;
  let used = 0;
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * UNITS[m[2]];
    used += m[0].length;
  }
  if (used !== s.length || total <= 0) throw new Error(`“${text}” is not a duration: use e.g. 90s, 5m, 2h or 1h30m`);
  return Math.round(total);
}

export function formatDurationInput(sec: number | null | undefined): string {
  if (!sec) return "";
  let rest = sec;
  let out = "";
  for (const [u, n] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    if (rest >= n) {
      out += `${Math.floor(rest / n)}${u}`;
      rest %= n;
    }
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Unix seconds → the local "YYYY-MM-DDTHH:mm" a datetime-local input wants. */
export function toLocalInput(sec: number | null | undefined): string {
  if (!sec) return "";
  const d = new Date(sec * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(v: string): number | null {
  if (!v) return null;
  const ms = new Date(v).getTime();
  if (Number.isNaN(ms)) throw new Error(`“${v}” is not a date`);
  return Math.floor(ms / 1000);
}
