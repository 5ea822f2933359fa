"use client";
import { useState } from "react";

/** Title input at the top of a column: Enter creates, Esc cancels. */
export function InlineCreate({ label, onCancel, onCreate }: { label: string; onCancel(): void; onCreate(title: string): Promise<void> }) {
  const [title, setTitle] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="rounded-md border border-[var(--accent)] bg-[var(--card)] p-1.5"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!title.trim() || busy) return;
        setBusy(true);
        setError(null);
        try {
          await onCreate(title.trim());
          setTitle("");
        } catch (err) {
          setError(err instanceof Error ? err.message : String(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <input
        autoFocus
        value={title}
        disabled={busy}
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onCancel();
          }
        }}
        aria-label={`New task title in ${label}`}
        placeholder="Task title — Enter to create, Esc to cancel"
        className="w-full bg-transparent px-1 py-0.5 text-[13px] text-[var(--fg)] outline-none placeholder:text-[var(--muted)]"
      />
      {error && <p role="alert" className="px-1 text-[11px] text-[var(--bad)]">{error}</p>}
    </form>
  );
}
