"use client";
import { useDroppable } from "@dnd-kit/core";
import { SortableContext, verticalListSortingStrategy } from "@dnd-kit/sortable";
import type { BoardColumn as Column } from "@/lib/board-types";
import { columnLabel } from "@/lib/board-types";
import { TaskCard } from "./task-card";
import { InlineCreate } from "./inline-create";

/** Columns where `+` makes sense: a new task can start there without a summary, reason or date. */
const CREATABLE = new Set(["triage", "todo", "ready", "review"]);

const EMPTY_HINT: Record<string, string> = {
  triage: "Rough ideas land here. Press + to jot one down.",
  todo: "Tasks waiting on parents show here.",
  ready: "Nothing to dispatch. Press + to add a task.",
  scheduled: "Tasks with a future start time wait here.",
  running: "No worker is busy.",
  blocked: "Nothing is blocked.",
  review: "Nothing waits for review.",
  done: "Finished work shows here.",
};

interface Props {
  column: Column;
  /** Unique per lane: `status` alone, or `lane:status` in swimlanes. */
  colKey: string;
  lane?: string;
  /** In swimlanes the column grows with its cards instead of scrolling. */
  inLane?: boolean;
  selected: ReadonlySet<string>;
  failed: ReadonlyMap<string, string>;
  onSelect(id: string, mode: "toggle" | "range"): void;
  onSelectAll(ids: string[], on: boolean): void;
  now: number;
  flash: Map<string, number>;
  onOpen(id: string): void;
  creating: boolean;
  onCreating(open: boolean): void;
  onCreate(title: string): Promise<void>;
}

export function BoardColumn({ column, colKey, lane, inLane, selected, failed, onSelect, onSelectAll, now, flash, onOpen, creating, onCreating, onCreate }: Props) {
  const { setNodeRef, isOver } = useDroppable({ id: `col:${colKey}`, data: { status: column.status, lane, type: "column" } });
  const ids = column.cards.map((c) => c.id);
  const allSelected = ids.length > 0 && ids.every((id) => selected.has(id));
  const label = columnLabel(column.status);
  const refuses = column.status === "running";
  return (
    <section
      ref={setNodeRef}
      role="region"
      aria-label={label}
      data-status={column.status}
      data-col-key={colKey}
      data-creatable={CREATABLE.has(column.status) ? "1" : undefined}
      className={`flex w-[17rem] shrink-0 flex-col ${inLane ? "min-h-24" : ""} rounded-lg bg-[var(--col)] ${isOver ? (refuses ? "ring-2 ring-[var(--bad)]" : "ring-2 ring-[var(--accent)]") : ""}`}
    >
      <header className="flex items-center gap-2 px-2.5 pt-2 pb-1.5">
        <h2 className="text-[12px] font-semibold text-[var(--fg)]">{label}</h2>
        <span className="text-[12px] tabular-nums text-[var(--muted)]" data-testid="column-count">
          {column.count}
        </span>
        {ids.length > 0 && (
          <button
            type="button"
            onClick={() => onSelectAll(ids, !allSelected)}
            aria-label={`${allSelected ? "Deselect" : "Select"} all in ${label}`}
            aria-pressed={allSelected}
            title={allSelected ? "Deselect all" : "Select all"}
            className={`rounded px-1 text-[12px] leading-5 text-[var(--muted)] hover:bg-[var(--chip)] hover:text-[var(--fg)] focus-visible:ring-2 focus-visible:ring-[var(--accent)] focus-visible:outline-none ml-auto`}
          >
            {allSelected ? "☑" : "☐"}
          </button>
        )}
        {CREATABLE.has(column.status) && (
          <button
            type="button"
            onClick={() => onCreating(true)}
            aria-label={`Create task in ${label}`}
            className={`${ids.length ? "" : "ml-auto"} rounded px-1.5 text-[15px] leading-5 text-[var(--muted)] hover:bg-[var(--chip)] hover:text-[var(--fg)] focus-visible:ring-2 focus-visible:ring-[var(--accent)] focus-visible:outline-none`}
          >
            +
          </button>
        )}
      </header>
      <div className={`flex min-h-24 flex-col gap-1.5 px-1.5 pb-2 ${inLane ? "" : "flex-1 overflow-y-auto"}`} data-testid="column-cards">
        {creating && <InlineCreate label={label} onCancel={() => onCreating(false)} onCreate={onCreate} />}
        <SortableContext id={`sort:${colKey}`} items={ids} strategy={verticalListSortingStrategy}>
          {column.cards.map((c) => (
            <TaskCard
              key={c.id}
              card={c}
              lane={lane}
              now={now}
              flash={flash.get(c.id)}
              onOpen={onOpen}
              onSelect={onSelect}
              selected={selected.has(c.id)}
              failed={failed.get(c.id)}
            />
          ))}
        </SortableContext>
        {!column.cards.length && !creating && <p className="px-1.5 py-3 text-[11.5px] text-[var(--muted)]">{EMPTY_HINT[column.status] ?? "Empty."}</p>}
      </div>
    </section>
  );
}
