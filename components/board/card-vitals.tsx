import type { BoardCard } from "@/lib/board-types";

export function formatDuration(s: number | null | undefined): string {
  if (s == null || !Number.isFinite(s)) return "—";
  s = Math.max(0, Math.round(s));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)}m` : ""}`;
  return `${Math.floor(s / 86400)}d`;
}

type Level = "ok" | "warn" | "bad";
const DOT: Record<Level, string> = { ok: "bg-[var(--ok)]", warn: "bg-[var(--warn)]", bad: "bg-[var(--bad)]" };

/** Heartbeat age against the claim TTL, elapsed against max runtime, attempt n of the limit. */
export function CardVitals({ card, now }: { card: BoardCard; now: number }) {
  const v = card.vitals;
  if (!v) return null;
  const beatAge = card.last_heartbeat_at != null ? Math.max(0, now - card.last_heartbeat_at) : v.heartbeat_age_seconds;
  const ttl = v.claim_ttl_seconds || 1;
  const level: Level = beatAge == null ? "warn" : beatAge < ttl / 2 ? "ok" : beatAge < ttl ? "warn" : "bad";
  const elapsed = v.elapsed_seconds;
  const overRuntime = v.max_runtime_seconds != null && elapsed != null && elapsed > v.max_runtime_seconds * 0.8;
  return (
    <div className="mt-1.5 space-y-0.5 text-[11px] text-[var(--muted)]" data-testid="vitals">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
        <span className="inline-flex items-center gap-1" title={`heartbeat ${formatDuration(beatAge)} ago (claim TTL ${formatDuration(ttl)})`} data-level={level}>
          <span aria-hidden className={`inline-block h-1.5 w-1.5 rounded-full ${DOT[level]}`} />
          beat {beatAge == null ? "never" : `${formatDuration(beatAge)} ago`}
          <span className="sr-only">({level === "ok" ? "healthy" : level === "warn" ? "late" : "overdue"})</span>
        </span>
        <span className={overRuntime ? "text-[var(--warn)]" : ""} title="elapsed / max runtime">
          {formatDuration(elapsed)}
          {v.max_runtime_seconds ? ` / ${formatDuration(v.max_runtime_seconds)}` : ""}
        </span>
        <span title="attempt n of the failure limit">
          attempt {v.attempt}/{v.attempt_limit}
        </span>
      </div>
      {v.last_heartbeat_note && <div className="truncate italic">“{v.last_heartbeat_note}”</div>}
    </div>
  );
}
