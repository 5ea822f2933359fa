"use client";
import type { TaskDetail } from "@/lib/board-types";

const h3 = "mb-1 text-[11px] font-semibold tracking-wide text-[var(--muted)] uppercase";
const when = (s: number) => new Date(s * 1000).toLocaleString();

/** The event timeline (runs and the worker log live in components/task). */
export function DrawerHistory({ detail }: { detail: TaskDetail }) {
  return (
    <section aria-label="Timeline">
      <h3 className={h3}>Timeline</h3>
      <ol className="space-y-0.5 text-[12px]">
        {[...detail.events].sort((a, b) => a.id - b.id).map((e) => (
          <li key={e.id} className="flex gap-2">
            <span className="shrink-0 text-[var(--muted)] tabular-nums">{when(e.created_at)}</span>
            <span className="font-medium">{e.kind}</span>
            {e.payload && <span className="truncate text-[var(--muted)]" title={JSON.stringify(e.payload)}>{summarize(e.payload)}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function summarize(p: Record<string, unknown>): string {
  for (const k of ["reason", "summary", "note", "status", "assignee", "error"]) if (typeof p[k] === "string" && p[k]) return String(p[k]);
  return Object.keys(p).join(", ");
}
