"use client";
import { formatDuration } from "@/components/board/card-vitals";
import type { TaskDetail } from "@/lib/board-types";
import { MetadataTree } from "./metadata-tree";
import { h3Cls } from "./ui";

const TONE: Record<string, string> = {
  completed: "bg-[var(--ok)] text-white",
  blocked: "bg-[var(--warn)] text-white",
  running: "bg-[var(--accent)] text-white",
};
const when = (s: number) => new Date(s * 1000).toLocaleString();

/** Every run, newest first: outcome badge, profile, duration, summary, error and metadata. */
export function RunHistory({ detail, onReclaim }: { detail: TaskDetail; onReclaim?: () => void }) {
  const runs = [...detail.runs].sort((a, b) => b.started_at - a.started_at || b.id - a.id);
  const now = Math.floor(Date.now() / 1000);
  return (
    <section aria-label="Runs">
      <div className="flex items-center">
        <h3 className={h3Cls}>Runs ({runs.length})</h3>
        {detail.task.status === "running" && onReclaim && (
          <button type="button" className="btn mb-1 ml-auto" onClick={onReclaim}>Reclaim…</button>
        )}
      </div>
      {runs.length === 0 ? <p className="text-[12px] text-[var(--muted)]">No runs yet.</p> : (
        <ol className="space-y-1.5 text-[12px]">
          {runs.map((r) => {
            const label = r.outcome ?? (r.ended_at ? r.status : "running");
            return (
              <li key={r.id} data-testid="run" className="rounded border border-[var(--line)] px-2 py-1.5">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-mono text-[var(--muted)]">#{r.id}</span>
                  <span data-testid="run-outcome" className={`rounded px-1.5 text-[11px] font-medium ${TONE[label] ?? "bg-[var(--bad)] text-white"}`}>{label}</span>
                  <span>{r.profile ?? "no profile"}</span>
                  <span className="text-[var(--muted)]" title={`${when(r.started_at)}${r.ended_at ? ` → ${when(r.ended_at)}` : ""}`}>
                    {formatDuration((r.ended_at ?? now) - r.started_at)}{r.ended_at ? "" : " so far"}
                  </span>
                  <span className="ml-auto text-[11px] text-[var(--muted)]">{when(r.started_at)}</span>
                </div>
                {r.summary && <div data-testid="run-summary" className="mt-1 whitespace-pre-wrap">{r.summary}</div>}
                {r.error && <div className="mt-1 whitespace-pre-wrap text-[var(--bad)]">{r.error}</div>}
                {r.metadata != null && (
                  <details className="mt-1" open>
                    <summary className="cursor-pointer text-[11px] text-[var(--muted)]">metadata</summary>
                    <div data-testid="run-metadata" className="mt-0.5 text-[11.5px]"><MetadataTree value={r.metadata} /></div>
                  </details>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
