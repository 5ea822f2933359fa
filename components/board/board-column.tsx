"use client";
import { useDroppable } from "@dnd-kit/core";
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
  now: number;
  flash: Map<string, number>;
  onOpen(id: string): void;
  creating: boolean;
  onCreating(open: boolean): void;
  onCreate(title: string): Promise<void>;
}

export function BoardColumn({ column, now, flash, onOpen, creating, onCreating, onCreate }: Props) {
  const { setNodeRef, isOver } = useDroppable({ id: `col:${column.status}`, data: { status: column.status } });
  const label = columnLabel(column.status);
  const refuses = column.status === "running";
  return (
    <section
      ref={setNodeRef}
      role="region"
      aria-label={label}
      data-status={column.status}
      className={`flex w-[17rem] shrink-0 flex-col rounded-lg bg-[var(--col)] ${isOver ? (refuses ? "ring-2 ring-[var(--bad)]" : "ring-2 ring-[var(--accent)]") : ""}`}
    >
      <header className="flex items-center gap-2 px-2.5 pt-2 pb-1.5">
        <h2 className="text-[12px] font-semibold text-[var(--fg)]">{label}</h2>
        <span className="text-[12px] tabular-nums text-[var(--muted)]" data-testid="column-count">
          {column.count}
        </span>
        {CREATABLE.has(column.status) && (
          <button
            type="button"
            onClick={() => onCreating(true)}
            aria-label={`Create task in ${label}`}
            className="ml-auto rounded px-1.5 text-[15px] leading-5 text-[var(--muted)] hover:bg-[var(--chip)] hover:text-[var(--fg)] focus-visible:ring-2 focus-visible:ring-[var(--accent)] focus-visible:outline-none"
          >
            +
          </button>
        )}
      </header>
      <div className="flex min-h-24 flex-1 flex-col gap-1.5 overflow-y-auto px-1.5 pb-2">
        {creating && <InlineCreate label={label} onCancel={() => onCreating(false)} onCreate={onCreate} />}
        {column.cards.map((c) => (
          <TaskCard key={c.id} card={c} now={now} flash={flash.get(c.id)} onOpen={onOpen} />
        ))}
        {!column.cards.length && !creating && <p className="px-1.5 py-3 text-[11.5px] text-[var(--muted)]">{EMPTY_HINT[column.status] ?? "Empty."}</p>}
      </div>
    </section>
  );
}
