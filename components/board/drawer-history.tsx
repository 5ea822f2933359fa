"use client";
import { useEffect, useState } from "react";
import { api } from "@/lib/api-client";
import type { TaskDetail } from "@/lib/board-types";
import { formatDuration } from "./card-vitals";

const h3 = "mb-1 text-[11px] font-semibold tracking-wide text-[var(--muted)] uppercase";
const when = (s: number) => new Date(s * 1000).toLocaleString();

/** Runs, the event timeline and the worker log (plain text, never HTML). */
export function DrawerHistory({ id, detail, version }: { id: string; detail: TaskDetail; version: number }) {
  const [log, setLog] = useState<string | null>(null);
  useEffect(() => {
    api.log(id).then((l) => setLog(l.exists ? l.text : ""), () => setLog(""));
  }, [id, version]);
  return (
    <>
      <section aria-label="Runs">
        <h3 className={h3}>Runs ({detail.runs.length})</h3>
        {detail.runs.length === 0 ? <p className="text-[12px] text-[var(--muted)]">No runs yet.</p> : (
          <ul className="space-y-1 text-[12px]">
            {[...detail.runs].reverse().map((r) => (
              <li key={r.id} className="rounded border border-[var(--line)] px-2 py-1">
                <span className="font-medium">#{r.id} {r.outcome ?? r.status}</span>
                <span className="text-[var(--muted)]"> · {r.profile ?? "—"} · {formatDuration((r.ended_at ?? Math.floor(Date.now() / 1000)) - r.started_at)}</span>
                {r.summary && <div className="whitespace-pre-wrap">{r.summary}</div>}
                {r.error && <div className="whitespace-pre-wrap text-[var(--bad)]">{r.error}</div>}
              </li>
            ))}
          </ul>
        )}
      </section>
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
      <section aria-label="Worker log">
        <h3 className={h3}>Worker log</h3>
        {log ? <pre className="max-h-72 overflow-auto rounded border border-[var(--line)] bg-[var(--card)] p-2 text-[11px] leading-snug whitespace-pre-wrap">{log}</pre>
          : <p className="text-[12px] text-[var(--muted)]">No log yet.</p>}
      </section>
    </>
  );
}

function summarize(p: Record<string, unknown>): string {
  for (const k of ["reason", "summary", "note", "status", "assignee", "error"]) if (typeof p[k] === "string" && p[k]) return String(p[k]);
  return Object.keys(p).join(", ");
}
