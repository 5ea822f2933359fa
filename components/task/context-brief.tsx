"use client";
import { useState } from "react";
import { api, errorMessage } from "@/lib/api-client";
import { Markdown } from "@/components/board/markdown";

/** The worker brief (GET /api/tasks/:id/context), fetched when first expanded and on each re-open. */
export function ContextBrief({ id, version }: { id: string; version: number }) {
  const [md, setMd] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [loadedAt, setLoadedAt] = useState(-1);
  const load = () => {
    if (loadedAt === version && md !== null) return;
    setLoadedAt(version);
    api.context(id).then((c) => { setMd(c.markdown); setErr(null); }, (e) => setErr(errorMessage(e)));
  };
  return (
    <section aria-label="Worker context">
      <details onToggle={(e) => (e.currentTarget as HTMLDetailsElement).open && load()}>
        <summary className="cursor-pointer text-[11px] font-semibold tracking-wide text-[var(--muted)] uppercase">Worker context brief</summary>
        <div className="mt-1 rounded border border-[var(--line)] bg-[var(--card)] p-2" data-testid="context-brief">
          {err ? <p className="text-[var(--bad)]">{err}</p> : md === null ? <p className="text-[var(--muted)]">Loading…</p> : <Markdown text={md} />}
        </div>
      </details>
    </section>
  );
}
