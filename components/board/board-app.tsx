"use client";
/** The board: toolbar, columns with drag and drop, the task drawer, dialogs and toasts. */
import { useCallback, useEffect, useRef, useState } from "react";
import {
  DndContext, DragOverlay, KeyboardSensor, PointerSensor, TouchSensor, pointerWithin, rectIntersection,
  useSensor, useSensors, type CollisionDetection, type DragEndEvent, type DragStartEvent,
} from "@dnd-kit/core";
import { api, errorMessage } from "@/lib/api-client";
import { columnLabel, COLUMN_ORDER, type BoardData, type BoardFilters, type Status } from "@/lib/board-types";
import { findCard } from "@/lib/board-state";
import { filtersToSearch, useLiveBoard } from "./use-live-board";
import { BoardColumn } from "./board-column";
import { BoardToolbar } from "./board-toolbar";
import { CardBody } from "./task-card";
import { PromptDialog, type PromptRequest } from "./prompt-dialog";
import { TaskDrawer } from "./task-drawer";
import { Toasts, type Toast } from "./toasts";

const collisions: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length ? hits : rectIntersection(args);
};

export function BoardApp({ initial, initialFilters, initialTask }: { initial: BoardData; initialFilters: BoardFilters; initialTask: string | null }) {
  const [task, setTask] = useState<string | null>(initialTask);
  const [drawerVersion, setDrawerVersion] = useState(0);
  const taskRef = useRef(task);
  taskRef.current = task;
  const onTaskEvents = useCallback((ids: Set<string>) => {
    if (taskRef.current && ids.has(taskRef.current)) setDrawerVersion((v) => v + 1);
  }, []);
  const { board, filters, setFilters, connection, flash, clockOffset, move } = useLiveBoard(initial, initialFilters, onTaskEvents);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [prompt, setPrompt] = useState<PromptRequest | null>(null);
  const [creatingIn, setCreatingIn] = useState<string | null>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const [now, setNow] = useState(initial.now);

  useEffect(() => {
    const tick = () => setNow(Math.floor(Date.now() / 1000 + clockOffset));
    tick();
    const t = setInterval(tick, 5000);
    return () => clearInterval(t);
  }, [clockOffset]);

  // The URL mirrors filters and the open task (deep links, reload).
  useEffect(() => {
    window.history.replaceState(window.history.state, "", filtersToSearch(filters, task));
  }, [filters, task]);

  const toast = useCallback((text: string, tone: Toast["tone"] = "error") => {
    const id = Date.now() + Math.random();
    setToasts((ts) => [...ts.slice(-3), { id, text, tone }]);
    setTimeout(() => setToasts((ts) => ts.filter((t) => t.id !== id)), 8000);
  }, []);

  const ask = useCallback(
    (req: Omit<PromptRequest, "resolve">) =>
      new Promise<{ text: string; kind?: string } | null>((resolve) => {
        setPrompt({ ...req, resolve: (v) => { setPrompt(null); resolve(v); } });
      }),
    [],
  );

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 6 } }),
    useSensor(KeyboardSensor, { keyboardCodes: { start: ["Space"], cancel: ["Escape"], end: ["Space", "Enter"] } }),
  );
  const justDragged = useRef(0);

  const onDragStart = (e: DragStartEvent) => setDragging(String(e.active.id));
  const onDragEnd = async (e: DragEndEvent) => {
    setDragging(null);
    justDragged.current = Date.now();
    const id = String(e.active.id);
    const to = e.over?.data.current?.status as Status | undefined;
    const card = findCard(board, id);
    if (!to || !card || card.status === to) return;
    if (to === "running") {
      toast("In progress is not a drop target: only a worker's claim starts a run. Move it to Ready and let the dispatcher pick it up.");
      return;
    }
    let extra: { summary?: string; reason?: string; kind?: string } = {};
    if (to === "done" || to === "blocked") {
      const r = await ask(
        to === "done"
          ? { title: `Complete “${card.title}”`, label: "Completion summary", confirm: "Complete" }
          : { title: `Block “${card.title}”`, label: "Why is it blocked?", confirm: "Block", withKind: true },
      );
      if (!r) return;
      extra = to === "done" ? { summary: r.text } : { reason: r.text, ...(r.kind ? { kind: r.kind } : {}) };
    }
    try {
      await move(id, to, extra);
    } catch (err) {
      toast(`Could not move ${id} to ${columnLabel(to)}: ${errorMessage(err)}`);
    }
  };

  const open = useCallback((id: string) => {
    if (Date.now() - justDragged.current < 250) return;
    setTask(id);
  }, []);

  const create = async (status: string, title: string) => {
    const t = await api.create({ title, triage: status === "triage" ? true : undefined });
    if (t.status !== status && (status === "todo" || status === "review")) await api.patch(t.id, { status: status as Status });
  };

  const shown = board.columns
    .filter((c) => c.status !== "archived" || filters.archived)
    .sort((a, b) => (COLUMN_ORDER.indexOf(a.status) + 1 || 99) - (COLUMN_ORDER.indexOf(b.status) + 1 || 99));
  const total = shown.reduce((n, c) => n + c.count, 0);
  const draggingCard = dragging ? findCard(board, dragging) : undefined;

  return (
    <div className="flex h-screen flex-col">
      <BoardToolbar filters={filters} onFilters={setFilters} tenants={board.tenants} assignees={board.assignees} connection={connection} total={total} />
      <DndContext sensors={sensors} collisionDetection={collisions} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)}>
        <main className="flex flex-1 gap-2 overflow-x-auto p-3" aria-label="Board">
          {shown.map((col) => (
            <BoardColumn
              key={col.status}
              column={col}
              now={now}
              flash={flash}
              onOpen={open}
              creating={creatingIn === col.status}
              onCreating={(o) => setCreatingIn(o ? col.status : null)}
              onCreate={(title) => create(col.status, title)}
            />
          ))}
        </main>
        <DragOverlay dropAnimation={null}>
          {draggingCard ? (
            <div className="w-[16rem] rotate-1 rounded-md border border-[var(--accent)] bg-[var(--card)] px-2.5 py-2 shadow-xl">
              <CardBody card={draggingCard} now={now} />
            </div>
          ) : null}
        </DragOverlay>
      </DndContext>
      {task && <TaskDrawer key={task} id={task} version={drawerVersion} onClose={() => setTask(null)} onError={toast} ask={ask} />}
      {prompt && <PromptDialog req={prompt} />}
      <Toasts toasts={toasts} onDismiss={(id) => setToasts((ts) => ts.filter((t) => t.id !== id))} />
    </div>
  );
}
