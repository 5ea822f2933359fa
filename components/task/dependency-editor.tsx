"use client";
import { useMemo, useState } from "react";
import { api, errorMessage } from "@/lib/api-client";
import { columnLabel, type Task, type TaskDetail } from "@/lib/board-types";
import { DONE, h3Cls } from "./ui";
import { TaskPicker } from "./task-picker";

type Side = "parent" | "child";

/** Parents and children as chips with ×, a searchable picker per side, errors inline. */
export function DependencyEditor({ detail, onChanged }: { detail: TaskDetail; onChanged(): void }) {
  const { task, parents, children } = detail;
  const [adding, setAdding] = useState<Side | null>(null);
  const [error, setError] = useState<{ side: Side; text: string } | null>(null);
  const exclude = useMemo(() => new Set([task.id, ...parents.map((p) => p.id), ...children.map((c) => c.id)]), [task.id, parents, children]);
  const waiting = (task.status === "todo" || task.status === "ready") ? parents.filter((p) => !DONE.has(p.status)) : [];

  const act = async (side: Side, fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      setAdding(null);
    } catch (e) {
      setError({ side, text: errorMessage(e) });
    }
    onChanged();
  };
  const link = (side: Side, other: string) => act(side, () => (side === "parent" ? api.link(other, task.id) : api.link(task.id, other)));
  const unlink = (side: Side, other: string) => act(side, () => (side === "parent" ? api.unlink(other, task.id) : api.unlink(task.id, other)));

  const group = (side: Side, list: Task[]) => {
    const title = side === "parent" ? "Parents" : "Children";
    return (
      <div role="group" aria-label={title}>
        <div className="flex items-center gap-2 text-[12px] text-[var(--muted)]">
          <span>{title} ({list.length})</span>
          <button type="button" className="btn ml-auto" onClick={() => { setError(null); setAdding(adding === side ? null : side); }}>
            {adding === side ? "Cancel" : `Add ${side}`}
          </button>
        </div>
        <ul className="mt-1 flex flex-wrap gap-1.5">
          {list.map((t) => (
            <li key={t.id} data-testid={`${side}-chip`} className="flex items-center gap-1 rounded-full border border-[var(--line)] bg-[var(--chip)] py-0.5 pr-1 pl-2 text-[12px]">
              <span className="font-mono text-[var(--muted)]">{t.id}</span>
              <span className="max-w-[12rem] truncate" title={t.title}>{t.title}</span>
              <span className={`rounded px-1 text-[11px] ${DONE.has(t.status) ? "text-[var(--ok)]" : "text-[var(--muted)]"}`}>{columnLabel(t.status)}</span>
              <button type="button" aria-label={`Remove ${side} ${t.id}`} className="rounded px-1 hover:bg-[var(--line)]" onClick={() => unlink(side, t.id)}>×</button>
            </li>
          ))}
        </ul>
        {adding === side && (
          <TaskPicker label={`Add ${side}`} exclude={exclude} onPick={(other) => link(side, other)} onCancel={() => setAdding(null)} />
        )}
        {error?.side === side && <p role="alert" data-testid="link-error" className="mt-1 text-[12px] text-[var(--bad)]">{error.text}</p>}
      </div>
    );
  };

  return (
    <section aria-label="Dependencies" className="space-y-2 text-[12.5px]">
      <h3 className={h3Cls}>Dependencies</h3>
      {waiting.length > 0 && (
        <p data-testid="waiting-on" className="rounded bg-[var(--warn-bg)] px-2 py-1 text-[12px] text-[var(--warn)]">
          Waiting on {waiting.length === 1 ? "parent" : "parents"}: {waiting.map((p) => `${p.id} “${p.title}” (${columnLabel(p.status)})`).join(", ")}
        </p>
      )}
      {group("parent", parents)}
      {group("child", children)}
    </section>
  );
}
