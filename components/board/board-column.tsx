"use client";
import { memo, useEffect, useRef, useState } from "react";
import { useDroppable } from "@dnd-kit/core";
import { SortableContext, verticalListSortingStrategy } from "@dnd-kit/sortable";
import type { BoardColumn as Column, Status } from "@/lib/board-types";
import type { CreateTaskBody } from "@/lib/schemas";
import { columnLabel } from "@/lib/board-types";
import { estimateCardHeight, TaskCard } from "./task-card";
import { InlineCreate, type CreateSuggestions } from "./inline-create";
import { useVirtualColumn } from "./use-virtual-column";
import { registerColumn } from "./column-registry";

const GAP = 6;

/**
 * Columns with `+`: a new task starts there in one transaction (Scheduled asks the start time,
 * Blocked a reason, Done a summary). In progress is only ever entered by a worker's claim.
 */
const CREATABLE = new Set(["triage", "todo", "scheduled", "ready", "blocked", "review", "done"]);

const EMPTY_HINT: Record<string, string> = {
  triage: "Rough ideas land here. Press + to jot one down.",
  todo: "Tasks waiting on unfinished parents. Press + and give a parent id.",
  ready: "Nothing to dispatch. Press + to add a task.",
  scheduled: "Tasks with a future start time wait here. Press + to schedule one.",
  running: "No worker is busy. Ready tasks with an assignee start here when the dispatcher claims them.",
  blocked: "Nothing is blocked. Drop a card here (or press +) to block it with a reason.",
  review: "Nothing waits for review. Press + or drop finished work here.",
  done: "Finished work shows here. Drop a card here to complete it, or + to log done work.",
  archived: "Archived tasks show here.",
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
  /** The card being dragged stays mounted even when scrolled out of the window. */
  dragging: string | null;
  onOpen(id: string): void;
  creating: boolean;
  /** Opens (`colKey`) or closes (null) the inline create form. */
  onCreating(colKey: string | null): void;
  onCreate(status: Status, draft: CreateTaskBody): Promise<void>;
  suggest: CreateSuggestions;
  laneAssignee?: string | null;
}

/** Same set/map entries for this column's cards (the maps are board-wide; most changes are elsewhere). */
function sameFor<V>(cards: readonly { id: string }[], a: ReadonlyMap<string, V> | ReadonlySet<string>, b: typeof a): boolean {
  if (a === b) return true;
  if (a instanceof Set || b instanceof Set) {
    const x = a as ReadonlySet<string>;
    const y = b as ReadonlySet<string>;
    return cards.every((c) => x.has(c.id) === y.has(c.id));
  }
  const x = a as ReadonlyMap<string, V>;
  const y = b as ReadonlyMap<string, V>;
  return cards.every((c) => x.get(c.id) === y.get(c.id));
}

/** A column re-renders only when its own cards, their selection/flash/failure, or its props change. */
function sameColumn(a: Props, b: Props): boolean {
  for (const k of Object.keys(b) as (keyof Props)[]) {
    if (k === "selected" || k === "failed" || k === "flash") continue;
    if (a[k] !== b[k]) return false;
  }
  const cards = b.column.cards;
  return sameFor(cards, a.selected, b.selected) && sameFor(cards, a.failed, b.failed) && sameFor(cards, a.flash, b.flash);
}

export const BoardColumn = memo(function BoardColumn({ column, colKey, lane, inLane, selected, failed, onSelect, onSelectAll, now, flash, dragging, onOpen, creating, onCreating, onCreate, suggest, laneAssignee = null }: Props) {
  const { setNodeRef, isOver } = useDroppable({ id: `col:${colKey}`, data: { status: column.status, lane, type: "column" } });
  // A new id array only when the order or membership changed: SortableContext and the window key on it.
  const idsRef = useRef<string[]>([]);
  if (idsRef.current.length !== column.cards.length || column.cards.some((c, i) => c.id !== idsRef.current[i])) idsRef.current = column.cards.map((c) => c.id);
  const ids = idsRef.current;
  const [focused, setFocused] = useState<string | null>(null);
  const cards = column.cards;
  const { scrollRef, listRef, items, windowTop, outside, total, measure, reveal } = useVirtualColumn(ids, {
    estimate: (i) => (cards[i] ? estimateCardHeight(cards[i]) : 76),
    gap: GAP,
    pinned: [focused, dragging],
  });
  useEffect(() => registerColumn(colKey, { ids, reveal }), [colKey, ids, reveal]);
  const byId = new Map(cards.map((c) => [c.id, c]));
  /** One card in its list item; `top` places a pinned card that sits outside the window. */
  const renderCard = (id: string, index: number, top?: number) => (
    <div
      key={id}
      ref={measure(id)}
      role="listitem"
      aria-setsize={ids.length}
      aria-posinset={index + 1}
      className={top === undefined ? undefined : "absolute inset-x-0"}
      style={top === undefined ? undefined : { top }}
    >
      <TaskCard
        card={byId.get(id)!}
        lane={lane}
        now={now}
        flash={flash.get(id)}
        onOpen={onOpen}
        onSelect={onSelect}
        selected={selected.has(id)}
        failed={failed.get(id)}
      />
    </div>
  );
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
            onClick={() => onCreating(colKey)}
            aria-label={`Create task in ${label}`}
            className={`${ids.length ? "" : "ml-auto"} rounded px-1.5 text-[15px] leading-5 text-[var(--muted)] hover:bg-[var(--chip)] hover:text-[var(--fg)] focus-visible:ring-2 focus-visible:ring-[var(--accent)] focus-visible:outline-none`}
          >
            +
          </button>
        )}
      </header>
      <div
        ref={scrollRef}
        className={`flex min-h-24 flex-col gap-1.5 overflow-y-auto px-1.5 pb-2 ${inLane ? "max-h-[26rem]" : "flex-1"}`}
        data-testid="column-cards"
        data-scroll
        onFocus={(e) => setFocused((e.target as HTMLElement).closest<HTMLElement>("[data-card-id]")?.dataset.cardId ?? null)}
      >
        {creating && (
          <InlineCreate
            label={label}
            suggest={suggest}
            defaultAssignee={laneAssignee}
            status={column.status}
            onCancel={() => onCreating(null)}
            onCreate={(draft) => onCreate(column.status, draft)}
          />
        )}
        <div ref={listRef} role="list" aria-label={`${label} cards`} className="relative shrink-0" style={{ height: total }}>
          <SortableContext id={`sort:${colKey}`} items={ids} strategy={verticalListSortingStrategy}>
            <div className="absolute inset-x-0 flex flex-col gap-1.5" style={{ top: windowTop }}>
              {items.map(({ id, index }) => renderCard(id, index))}
            </div>
            {outside.map(({ id, index, top }) => renderCard(id, index, top))}
          </SortableContext>
        </div>
        {!column.cards.length && !creating && <p className="px-1.5 py-3 text-[11.5px] text-[var(--muted)]">{EMPTY_HINT[column.status] ?? "Empty."}</p>}
      </div>
    </section>
  );
}, sameColumn);
