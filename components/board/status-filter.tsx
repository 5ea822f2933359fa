"use client";
/** The status filter: which columns the board shows (none ticked = all), kept in the URL as `status=a,b`. */
import { useEffect, useRef, useState } from "react";
import { columnLabel, FILTERABLE_STATUSES, type Status } from "@/lib/board-types";

export function StatusFilter({ value, onChange }: { value: readonly Status[]; onChange(v: Status[]): void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener("mousedown", close);
    return () => window.removeEventListener("mousedown", close);
  }, [open]);
  const label = value.length === 0 ? "All statuses" : value.length === 1 ? columnLabel(value[0]) : `${value.length} statuses`;
  const toggle = (s: Status) => onChange(FILTERABLE_STATUSES.filter((x) => (x === s ? !value.includes(s) : value.includes(x))));
  return (
    <div ref={ref} className="relative" onKeyDown={(e) => e.key === "Escape" && (e.stopPropagation(), setOpen(false))}>
      <button
        type="button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-label={`Status filter: ${label}`}
        onClick={() => setOpen((o) => !o)}
        className="rounded-md border border-[var(--line)] bg-[var(--card)] px-2 py-1 text-[12px] text-[var(--fg)] outline-none focus-visible:ring-2 focus-visible:ring-[var(--accent)]"
      >
        {label} ▾
      </button>
      {open && (
        <fieldset className="absolute top-full left-0 z-30 mt-1 w-44 rounded-md border border-[var(--line)] bg-[var(--panel)] p-1.5 shadow-lg">
          <legend className="sr-only">Show columns</legend>
          {FILTERABLE_STATUSES.map((s) => (
            <label key={s} className="flex items-center gap-2 rounded px-1.5 py-0.5 text-[12px] hover:bg-[var(--chip)]">
              <input type="checkbox" checked={value.includes(s)} onChange={() => toggle(s)} className="accent-[var(--accent)]" />
              {columnLabel(s)}
            </label>
          ))}
          {value.length > 0 && (
            <button type="button" className="mt-1 w-full rounded px-1.5 py-0.5 text-left text-[12px] text-[var(--muted)] hover:bg-[var(--chip)]" onClick={() => onChange([])}>
              Show all
            </button>
          )}
        </fieldset>
      )}
    </div>
  );
}
