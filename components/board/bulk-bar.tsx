"use client";
import { useState } from "react";
import type { BulkBody } from "@/lib/schemas";
import { columnLabel } from "@/lib/board-types";

/** Statuses a person can move a selection to (In progress only comes from a worker's claim). */
const TARGETS = ["triage", "todo", "ready", "blocked", "review", "done"];

interface Props {
  count: number;
  onRun(change: Omit<BulkBody, "ids">): void;
  onClear(): void;
  busy: boolean;
}

const ctl = "rounded-md border border-[var(--line)] bg-[var(--card)] px-1.5 py-1 text-[12px] text-[var(--fg)] outline-none focus-visible:ring-2 focus-visible:ring-[var(--accent)]";

/** The bar shown while cards are selected: one change applied to every selected card. */
export function BulkBar({ count, onRun, onClear, busy }: Props) {
  const [assignee, setAssignee] = useState("");
  const [confirmDelete, setConfirmDelete] = useState(false);
  return (
    <div
      role="toolbar"
      aria-label="Bulk actions"
      aria-busy={busy}
      className="fixed bottom-4 left-1/2 z-30 flex -translate-x-1/2 flex-wrap items-center gap-2 rounded-lg border border-[var(--line-strong)] bg-[var(--panel)] px-3 py-2 text-[12px] shadow-xl"
    >
      <span className="font-medium" data-testid="selection-count">{count} selected</span>
      <select aria-label="Move selected to" className={ctl} value="" disabled={busy} onChange={(e) => e.target.value && onRun({ status: e.target.value as BulkBody["status"] })}>
        <option value="">Move to…</option>
        {TARGETS.map((s) => <option key={s} value={s}>{columnLabel(s)}</option>)}
      </select>
      <form
        className="flex items-center gap-1"
        onSubmit={(e) => {
          e.preventDefault();
          if (assignee.trim()) onRun({ assignee: assignee.trim() });
        }}
      >
        <input aria-label="Assign selected to" placeholder="assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)} className={`${ctl} w-28`} />
        <button type="submit" className="btn" disabled={busy || !assignee.trim()}>Assign</button>
      </form>
      <button type="button" className="btn" disabled={busy} onClick={() => onRun({ assignee: null })}>Unassign</button>
      <select aria-label="Set priority of selected" className={ctl} value="" disabled={busy} onChange={(e) => e.target.value !== "" && onRun({ priority: Number(e.target.value) })}>
        <option value="">Priority…</option>
        {[0, 1, 2, 3, 4, 5].map((p) => <option key={p} value={p}>P{p}</option>)}
      </select>
      <button type="button" className="btn" disabled={busy} onClick={() => onRun({ status: "done", summary: undefined })}>Complete…</button>
      <button type="button" className="btn" disabled={busy} onClick={() => onRun({ archive: true })}>Archive</button>
      {confirmDelete ? (
        <button type="button" className="btn border-[var(--bad)] text-[var(--bad)]" disabled={busy} onClick={() => { setConfirmDelete(false); onRun({ delete: true }); }}>
          Delete {count}? Confirm
        </button>
      ) : (
        <button type="button" className="btn" disabled={busy} onClick={() => setConfirmDelete(true)}>Delete…</button>
      )}
      <button type="button" className="btn" onClick={onClear} aria-label="Clear selection">✕</button>
    </div>
  );
}
