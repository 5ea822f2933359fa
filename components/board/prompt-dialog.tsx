"use client";
import { useEffect, useRef, useState } from "react";

export interface PromptRequest {
  title: string;
  label: string;
  confirm: string;
  /** Offer the block kinds (SPEC §4.1). */
  withKind?: boolean;
  resolve(value: { text: string; kind?: string } | null): void;
}

const KINDS = ["", "needs_input", "capability", "transient", "dependency"];

/** A small modal asking for a completion summary or a block reason. Esc cancels. */
export function PromptDialog({ req }: { req: PromptRequest }) {
  const [text, setText] = useState("");
  const [kind, setKind] = useState("");
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const submit = () => text.trim() && req.resolve({ text: text.trim(), kind: kind || undefined });
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-black/30 p-4" onMouseDown={(e) => e.target === e.currentTarget && req.resolve(null)}>
      <form
        role="dialog"
        aria-modal="true"
        aria-labelledby="prompt-title"
        className="w-full max-w-md rounded-lg border border-[var(--line)] bg-[var(--panel)] p-4 shadow-xl"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            req.resolve(null);
          }
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            submit();
          }
        }}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <h2 id="prompt-title" className="text-sm font-semibold">{req.title}</h2>
        <label className="mt-3 block text-[12px] text-[var(--muted)]">
          {req.label}
          <textarea
            ref={ref}
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={3}
            className="mt-1 block w-full rounded-md border border-[var(--line)] bg-[var(--card)] p-2 text-[13px] text-[var(--fg)] outline-none focus:ring-2 focus:ring-[var(--accent)]"
          />
        </label>
        {req.withKind && (
          <label className="mt-2 block text-[12px] text-[var(--muted)]">
            Kind
            <select value={kind} onChange={(e) => setKind(e.target.value)} className="ml-2 rounded border border-[var(--line)] bg-[var(--card)] px-1 py-0.5 text-[12px] text-[var(--fg)]">
              {KINDS.map((k) => (
                <option key={k} value={k}>{k || "(none)"}</option>
              ))}
            </select>
          </label>
        )}
        <div className="mt-4 flex justify-end gap-2">
          <button type="button" className="btn" onClick={() => req.resolve(null)}>Cancel</button>
          <button type="submit" className="btn btn-primary" disabled={!text.trim()}>{req.confirm}</button>
        </div>
      </form>
    </div>
  );
}
