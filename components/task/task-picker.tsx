"use client";
import { useEffect, useId, useState } from "react";
import { api, errorMessage } from "@/lib/api-client";
import { columnLabel, type BoardCard } from "@/lib/board-types";
import { inputCls } from "./ui";

interface Props {
  label: string;
  exclude: Set<string>;
  onPick(id: string): void;
  onCancel(): void;
}

/**
 * A search box over the board (GET /api/board?q=): ↑/↓ move through the results, Enter links the
 * highlighted one (or a bare id directly), Esc cancels.
 */
export function TaskPicker({ label, exclude, onPick, onCancel }: Props) {
  const [q, setQ] = useState("");
  const [found, setFound] = useState<{ term: string; hits: BoardCard[] }>({ term: "", hits: [] });
  const [err, setErr] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const uid = useId();
  useEffect(() => {
    const term = q.trim();
    if (!term) return;
    const ctl = new AbortController();
    const t = setTimeout(() => {
      api.search(term, ctl.signal).then(
        (cards) => { setFound({ term, hits: cards.filter((c) => !exclude.has(c.id)).slice(0, 8) }); setActive(0); setErr(null); },
        (e) => { if (!ctl.signal.aborted) setErr(errorMessage(e)); },
      );
    }, 150);
    return () => { clearTimeout(t); ctl.abort(); };
  }, [q, exclude]);

  // Results of an older search never answer Enter or show for a newer term.
  const hits = found.term === q.trim() ? found.hits : [];
  const current = Math.min(active, Math.max(0, hits.length - 1));
  return (
    <div className="mt-1">
      <input
        autoFocus
        value={q}
        onChange={(e) => setQ(e.target.value)}
        aria-label={label}
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls={`${uid}-list`}
        aria-activedescendant={hits[current] ? `${uid}-${hits[current].id}` : undefined}
        placeholder="Search by title or id, Enter links"
        className={`${inputCls} w-full`}
        onKeyDown={(e) => {
          if (e.key === "Escape") { e.stopPropagation(); onCancel(); }
          if ((e.key === "ArrowDown" || e.key === "ArrowUp") && hits.length) {
            e.preventDefault();
            setActive((current + (e.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length);
          }
          if (e.key === "Enter") {
            e.preventDefault();
            const term = q.trim();
            if (hits[current]) onPick(hits[current].id);
            else if (/^t_[0-9a-z]+$/i.test(term)) onPick(term); // a bare id: let the server judge it
            else if (term && found.term === term) setErr(`No task matches “${term}”.`);
          }
        }}
      />
      {!err && q.trim() && found.term === q.trim() && hits.length === 0 && <p className="text-[12px] text-[var(--muted)]">No matching task.</p>}
      {err && <p className="text-[12px] text-[var(--bad)]">{err}</p>}
      {hits.length > 0 && (
        <ul id={`${uid}-list`} role="listbox" aria-label={`${label} results`} className="mt-1 max-h-48 overflow-y-auto rounded border border-[var(--line)] bg-[var(--card)]">
          {hits.map((c, i) => (
            <li key={c.id} id={`${uid}-${c.id}`} role="option" aria-selected={i === current}>
              <button type="button" tabIndex={-1} className={`flex w-full gap-2 px-2 py-1 text-left text-[12px] hover:bg-[var(--chip)] ${i === current ? "bg-[var(--chip)]" : ""}`} onClick={() => onPick(c.id)}>
                <span className="font-mono text-[var(--muted)]">{c.id}</span>
                <span className="truncate">{c.title}</span>
                <span className="ml-auto shrink-0 text-[var(--muted)]">{columnLabel(c.status)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
