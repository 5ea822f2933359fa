"use client";
import { useEffect, useRef, useState } from "react";
import type { BoardFilters } from "@/lib/board-types";
import type { ConnectionState } from "@/lib/ws-client";
import { ThemeToggle } from "./theme-toggle";
import { StatusFilter } from "./status-filter";

const CONN: Record<ConnectionState, { label: string; dot: string }> = {
  connecting: { label: "connecting", dot: "bg-[var(--muted)]" },
  live: { label: "live", dot: "bg-[var(--ok)]" },
  reconnecting: { label: "reconnecting", dot: "bg-[var(--warn)]" },
  offline: { label: "offline", dot: "bg-[var(--bad)]" },
};

interface Props {
  filters: BoardFilters;
  onFilters(f: BoardFilters): void;
  tenants: string[];
  assignees: string[];
  connection: ConnectionState;
  total: number;
  onSelectAll(): void;
  lanes: boolean;
  onLanes(on: boolean): void;
  onHelp(): void;
}

const select = "rounded-md border border-[var(--line)] bg-[var(--card)] px-1.5 py-1 text-[12px] text-[var(--fg)] outline-none focus-visible:ring-2 focus-visible:ring-[var(--accent)]";

export function BoardToolbar({ filters, onFilters, tenants, assignees, connection, total, onSelectAll, lanes, onLanes, onHelp }: Props) {
  const [q, setQ] = useState(filters.q);
  const search = useRef<HTMLInputElement>(null);
  // `/` focuses the search box (unless typing somewhere already).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (e.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) && !el.isContentEditable) {
        e.preventDefault();
        search.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  // Filters changed elsewhere (e.g. "Clear filters"): the box follows; its own debounced sends do not echo back.
  const sent = useRef(filters.q);
  useEffect(() => {
    if (filters.q !== sent.current) setQ(filters.q);
    sent.current = filters.q;
  }, [filters.q]);
  // Debounced: the board reloads 250 ms after the last keystroke.
  useEffect(() => {
    if (q === filters.q) return;
    const t = setTimeout(() => {
      sent.current = q;
      onFilters({ ...filters, q });
    }, 250);
    return () => clearTimeout(t);
  }, [q, filters, onFilters]);
  const c = CONN[connection];
  return (
    <header className="flex flex-wrap items-center gap-2 border-b border-[var(--line)] px-4 py-2">
      <h1 className="mr-2 text-[14px] font-semibold tracking-tight">Fleet Kanban</h1>
      <span className="text-[12px] text-[var(--muted)]"><span data-testid="task-total">{total}</span> tasks</span>
      {total > 0 && (
        <button type="button" className="btn !text-[11.5px]" onClick={onSelectAll} title="Select every card the current filters show (Ctrl/⌘ A)">
          Select all {total}
        </button>
      )}
      <input
        ref={search}
        type="search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && e.currentTarget.blur()}
        placeholder="Search  /"
        aria-label="Search tasks"
        className="ml-2 w-56 rounded-md border border-[var(--line)] bg-[var(--card)] px-2 py-1 text-[12.5px] text-[var(--fg)] outline-none focus-visible:ring-2 focus-visible:ring-[var(--accent)]"
      />
      <select aria-label="Tenant" value={filters.tenant} onChange={(e) => onFilters({ ...filters, tenant: e.target.value })} className={select}>
        <option value="">All tenants</option>
        {[...new Set([...tenants, ...(filters.tenant ? [filters.tenant] : [])])].map((t) => <option key={t} value={t}>{t}</option>)}
      </select>
      <select aria-label="Assignee" value={filters.assignee} onChange={(e) => onFilters({ ...filters, assignee: e.target.value })} className={select}>
        <option value="">All assignees</option>
        <option value="none">Unassigned</option>
        {[...new Set([...assignees, ...(filters.assignee && filters.assignee !== "none" ? [filters.assignee] : [])])].map((a) => <option key={a} value={a}>{a}</option>)}
      </select>
      <StatusFilter value={filters.status} onChange={(status) => onFilters({ ...filters, status })} />
      <label className="flex items-center gap-1 text-[12px] text-[var(--muted)]">
        <input type="checkbox" checked={filters.archived} onChange={(e) => onFilters({ ...filters, archived: e.target.checked })} className="accent-[var(--accent)]" />
        Show archived
      </label>
      <label className="flex items-center gap-1 text-[12px] text-[var(--muted)]">
        <input type="checkbox" checked={lanes} onChange={(e) => onLanes(e.target.checked)} className="accent-[var(--accent)]" />
        Swimlanes
      </label>
      <span className="ml-auto flex items-center gap-1.5 text-[12px] text-[var(--muted)]" data-testid="connection" data-state={connection} role="status" aria-label={`Connection: ${c.label}`}>
        <span aria-hidden className={`h-2 w-2 rounded-full ${c.dot}`} />
        {c.label}
      </span>
      <button type="button" className="btn" onClick={onHelp} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">?</button>
      <ThemeToggle />
    </header>
  );
}
