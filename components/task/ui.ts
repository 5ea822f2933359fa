/** Shared class names for the drawer's task sections. */
export const inputCls =
  "rounded border border-[var(--line)] bg-[var(--card)] px-1.5 py-0.5 text-[12.5px] text-[var(--fg)] outline-none focus:ring-2 focus:ring-[var(--accent)]";
export const h3Cls = "mb-1 text-[11px] font-semibold tracking-wide text-[var(--muted)] uppercase";
export const DONE = new Set(["done", "archived"]);
