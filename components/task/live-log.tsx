"use client";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { api } from "@/lib/api-client";
import { h3Cls } from "./ui";

const POLL_MS = 1500;

/** The worker log as plain text; tails every 1.5 s while the task runs, follows the bottom unless scrolled up. */
export function LiveLog({ id, running, version }: { id: string; running: boolean; version: number }) {
  const [log, setLog] = useState<{ text: string; exists: boolean; truncated: boolean } | null>(null);
  const pre = useRef<HTMLPreElement>(null);
  const follow = useRef(true);

  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let ctl: AbortController | undefined;
    const tick = async () => {
      ctl = new AbortController();
      try {
        const l = await api.logTail(id, 500, ctl.signal);
        if (!stop) setLog((prev) => (prev && prev.text === l.text && prev.exists === l.exists ? prev : l));
      } catch {
        if (!stop) setLog((prev) => prev ?? { text: "", exists: false, truncated: false });
      }
      if (!stop && running && document.visibilityState !== "hidden") timer = setTimeout(tick, POLL_MS);
      else if (!stop && running) timer = setTimeout(tick, POLL_MS * 3);
    };
    void tick();
    return () => { stop = true; clearTimeout(timer); ctl?.abort(); };
  }, [id, running, version]);

  useLayoutEffect(() => {
    const el = pre.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [log]);

  return (
    <section aria-label="Worker log">
      <h3 className={h3Cls}>
        Worker log{running && <span className="ml-2 normal-case text-[var(--ok)]" data-testid="log-live">● live</span>}
        {log?.truncated && <span className="ml-2 normal-case">(last 500 lines)</span>}
      </h3>
      {log?.exists && log.text ? (
        <pre
          ref={pre}
          data-testid="worker-log"
          onScroll={(e) => { const el = e.currentTarget; follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24; }}
          className="max-h-72 overflow-auto rounded border border-[var(--line)] bg-[var(--card)] p-2 text-[11px] leading-snug whitespace-pre-wrap"
        >{log.text}</pre>
      ) : (
        <p className="text-[12px] text-[var(--muted)]">{log ? "No log yet." : "Loading…"}</p>
      )}
    </section>
  );
}
