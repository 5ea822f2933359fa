"use client";
/** The board: toolbar, columns with drag and drop, the task drawer, dialogs and toasts. */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import {
  DndContext, DragOverlay, KeyboardSensor, MouseSensor, TouchSensor, pointerWithin, rectIntersection,
  useSensor, useSensors, type Announcements, type CollisionDetection, type DragEndEvent, type DragStartEvent,
} from "@dnd-kit/core";
import { sortableKeyboardCoordinates } from "@dnd-kit/sortable";
import { api, errorMessage } from "@/lib/api-client";
import { columnLabel, COLUMN_ORDER, type BoardCard, type BoardColumn as Column, type BoardData, type BoardFilters, type Status } from "@/lib/board-types";
import { findCard } from "@/lib/board-state";
import { planReorder } from "@/lib/reorder";
import { bulkUpdate } from "@/lib/bulk-api";
import { buildLanes, laneAssignee, type Lane } from "@/lib/swimlanes";
import type { BulkBody, CreateTaskBody } from "@/lib/schemas";
import { filtersToSearch, useLiveBoard } from "./use-live-board";
import { BoardColumn } from "./board-column";
import { BoardToolbar } from "./board-toolbar";
import { BulkBar } from "./bulk-bar";
import { ShortcutsDialog } from "./shortcuts-dialog";
import { useBoardKeys } from "./use-board-keys";
import { useSelection } from "./use-selection";
import { useSwimlanes } from "./use-swimlanes";
import { CardBody } from "./task-card";
import { PromptDialog, type PromptRequest } from "./prompt-dialog";
import { TaskDrawer } from "./task-drawer";
import { Toasts, type Toast } from "./toasts";

/** Screen-reader announcements in the board's words (column names, not droppable ids). */
type DndTarget = { id: string | number; data: { current?: Record<string, unknown> } } | null;
const where = (over: DndTarget) => {
  if (!over) return "not over a column";
  const d = over.data.current ?? {};
  const col = columnLabel(String(d.status ?? ""));
  const lane = d.lane ? ` in lane ${laneAssignee(String(d.lane)) ?? "Unassigned"}` : "";
  return d.type === "card" ? `over task ${over.id} in ${col}${lane}` : `over ${col}${lane}`;
};
const announcements: Announcements = {
  onDragStart: ({ active }) => `Picked up task ${active.id}. Arrow keys move it, Space drops, Escape cancels.`,
  onDragOver: ({ active, over }) => `Task ${active.id} is ${where(over)}.`,
  onDragEnd: ({ active, over }) => (over ? `Task ${active.id} dropped ${where(over)}.` : `Task ${active.id} dropped outside the board.`),
  onDragCancel: ({ active }) => `Moving task ${active.id} was cancelled.`,
};

/** Cards under the pointer win over their column (so a drop on a card reorders), then columns. */
const collisions: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  const cards = hits.filter((h) => !String(h.id).startsWith("col:"));
  if (cards.length) return cards;
  return hits.length ? hits : rectIntersection(args).filter((h) => String(h.id).startsWith("col:"));
};

export function BoardApp({ initial, initialFilters, initialTask }: { initial: BoardData; initialFilters: BoardFilters; initialTask: string | null }) {
  const [task, setTask] = useState<string | null>(initialTask);
  const [drawerVersion, setDrawerVersion] = useState(0);
  const taskRef = useRef(task);
  taskRef.current = task;
  const onTaskEvents = useCallback((ids: Set<string>) => {
    if (taskRef.current && ids.has(taskRef.current)) setDrawerVersion((v) => v + 1);
  }, []);
  const { board, filters, setFilters, connection, flash, clockOffset, move, reorder } = useLiveBoard(initial, initialFilters, onTaskEvents);
  const { selected, failed, select, selectMany, clear, settle } = useSelection();
  const [swimlanes, setSwimlanes] = useSwimlanes();
  const [help, setHelp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [prompt, setPrompt] = useState<PromptRequest | null>(null);
  const [creatingIn, setCreatingIn] = useState<string | null>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  /** Set by `e`: the drawer opens with its title field focused. */
  const [editTitle, setEditTitle] = useState<string | null>(null);
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
    // Mouse and touch apart (not one PointerSensor): a touch would otherwise be claimed by the
    // pointer sensor, which the browser cancels as soon as the finger pans.
    useSensor(MouseSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 6 } }),
    useSensor(KeyboardSensor, { keyboardCodes: { start: ["Space"], cancel: ["Escape"], end: ["Space", "Enter"] }, coordinateGetter: sortableKeyboardCoordinates }),
  );
  const justDragged = useRef(0);

  /** One change for every selected card; failures stay selected, outlined and listed in a toast. */
  const runBulk = async (change: Omit<BulkBody, "ids">) => {
    const ids = [...selected];
    if (!ids.length) return;
    const body = { ...change };
    const n = `${ids.length} task${ids.length === 1 ? "" : "s"}`;
    if (body.status === "done" && !body.summary) {
      const r = await ask({ title: `Complete ${n}`, label: "Completion summary (one for all)", confirm: "Complete" });
      if (!r) return;
      body.summary = r.text;
    }
    if (body.status === "blocked" && !body.reason) {
      const r = await ask({ title: `Block ${n}`, label: "Why are they blocked?", confirm: "Block" });
      if (!r) return;
      body.reason = r.text;
    }
    setBusy(true);
    try {
      const results = await bulkUpdate({ ids, ...body });
      const fails = new Map(results.filter((r) => !r.ok).map((r) => [r.id, r.error?.message ?? "failed"] as const));
      settle(fails);
      if (fails.size) toast(`${fails.size} of ${n} not changed — ${[...fails].map(([id, m]) => `${id}: ${m}`).join("; ")}`);
      else toast(`${n} updated`, "info");
    } catch (err) {
      toast(`Bulk change failed: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const reorderWithin = async (id: string, overId: string, items: string[]) => {
    const byId = new Map(board.columns.flatMap((c) => c.cards.map((x) => [x.id, x] as const)));
    const cards = items.map((x) => byId.get(x)).filter((c): c is BoardCard => !!c);
    const plan = planReorder(cards, id, overId);
    if (!plan) return;
    try {
      await reorder(plan);
    } catch (err) {
      toast(`Could not reorder ${id}: ${errorMessage(err)}`);
    }
  };

  const onDragStart = (e: DragStartEvent) => setDragging(String(e.active.id));
  const onDragEnd = async (e: DragEndEvent) => {
    setDragging(null);
    justDragged.current = Date.now();
    const id = String(e.active.id);
    const over = e.over?.data.current as { status?: Status; type?: string; lane?: string; sortable?: { items: string[] } } | undefined;
    const to = over?.status;
    const card = findCard(board, id);
    if (!to || !card) return;
    // In swimlanes, dropping into another lane reassigns to that lane's assignee (same PATCH).
    const fromLane = (e.active.data.current as { lane?: string } | undefined)?.lane;
    const reassign = swimlanes && over?.lane !== undefined && fromLane !== over.lane ? { assignee: laneAssignee(over.lane) } : null;
    if (card.status === to && !reassign) {
      if (over?.type === "card" && over.sortable && String(e.over!.id) !== id) await reorderWithin(id, String(e.over!.id), over.sortable.items.map(String));
      return;
    }
    if (to === "running" && card.status !== "running") {
      toast("In progress is not a drop target: only a worker's claim starts a run. Move it to Ready and let the dispatcher pick it up.");
      return;
    }
    let extra: Pick<BulkBody, "summary" | "reason" | "kind"> = {};
    if (card.status !== to && (to === "done" || to === "blocked")) {
      const r = await ask(
        to === "done"
          ? { title: `Complete “${card.title}”`, label: "Completion summary", confirm: "Complete" }
          : { title: `Block “${card.title}”`, label: "Why is it blocked?", confirm: "Block", withKind: true },
      );
      if (!r) return;
      extra = to === "done" ? { summary: r.text } : { reason: r.text, ...(r.kind ? { kind: r.kind as BulkBody["kind"] } : {}) };
    }
    if (selected.has(id) && selected.size > 1) {
      return runBulk({
        ...(card.status !== to ? { status: to } : {}),
        ...(reassign ?? {}),
        ...(extra.summary ? { summary: extra.summary } : {}),
        ...(extra.reason ? { reason: extra.reason } : {}),
        ...(extra.kind ? { kind: extra.kind } : {}),
      });
    }
    try {
      await move(id, to, { ...extra, ...(reassign ?? {}) });
    } catch (err) {
      const where = reassign ? `${reassign.assignee ? `@${reassign.assignee}` : "Unassigned"}${card.status !== to ? ` / ${columnLabel(to)}` : ""}` : columnLabel(to);
      toast(`Could not move ${id} to ${where}: ${errorMessage(err)}`);
    }
  };

  const open = useCallback((id: string) => {
    if (Date.now() - justDragged.current < 250) return;
    setTask(id);
  }, []);

  /**
   * One atomic create in the column's status (blocked with its reason, done with its summary, in
   * the same transaction); Todo holds a task only while a parent is undone.
   */
  const create = useCallback(
    async (status: Status, draft: CreateTaskBody) => {
      // In a swimlane the form starts with the lane's assignee filled in; clearing it means unassigned.
      const body: CreateTaskBody = { ...draft };
      if (status !== "running" && status !== "archived") body.status = status;
      const t = await api.create(body);
      if (t.status !== status) toast(`${t.id} went to ${columnLabel(t.status)}${status === "todo" ? ": no unfinished parent to wait on" : ""}`, "info");
    },
    [toast],
  );
  const suggest = useMemo(
    () => ({ assignees: [...new Set([...board.profiles, ...board.assignees])].sort(), tenants: board.tenants, defaultTenant: filters.tenant }),
    [board.profiles, board.assignees, board.tenants, filters.tenant],
  );

  const shown = useMemo(
    () =>
      board.columns
        .filter((c) => (c.status === "archived" ? filters.archived : !filters.status.length || filters.status.includes(c.status)))
        .sort((a, b) => (COLUMN_ORDER.indexOf(a.status) + 1 || 99) - (COLUMN_ORDER.indexOf(b.status) + 1 || 99)),
    [board.columns, filters.archived, filters.status],
  );
  const total = shown.reduce((n, c) => n + c.count, 0);
  /** "Select all matching the filter": every card the current view holds (the server applied the filters). */
  const selectAllShown = () => selectMany(shown.flatMap((c) => c.cards.map((x) => x.id)), true);
  const draggingCard = dragging ? findCard(board, dragging) : undefined;
  const caps = board.config?.profile_caps;
  const lanes = useMemo(() => (swimlanes ? buildLanes(shown, caps) : null), [swimlanes, shown, caps]);

  const state = useRef({ dragging, prompt, help, task });
  state.current = { dragging, prompt, help, task };
  useBoardKeys({
    enabled: () => !state.current.dragging && !state.current.prompt && !state.current.help,
    onToggle: (id) => select(id, "toggle"),
    onCreate: (key) => setCreatingIn(key),
    onEditTitle: (id) => {
      setTask(id);
      setEditTitle(id);
    },
    onSelectAll: () => selectAllShown(),
    onHelp: () => setHelp(true),
    onEscape: () => (state.current.task ? setTask(null) : clear()),
  });

  const columns = (cols: Column[], lane?: Lane) =>
    cols.map((col) => {
      const key = lane ? `${lane.key}:${col.status}` : col.status;
      return (
        <BoardColumn
          key={key}
          colKey={key}
          lane={lane?.key}
          inLane={!!lane}
          column={col}
          now={now}
          flash={flash}
          dragging={dragging}
          onOpen={open}
          selected={selected}
          failed={failed}
          onSelect={select}
          onSelectAll={selectMany}
          creating={creatingIn === key}
          onCreating={setCreatingIn}
          onCreate={create}
          suggest={suggest}
          laneAssignee={lane?.assignee ?? null}
        />
      );
    });

  return (
    <div className="flex h-screen flex-col">
      <BoardToolbar
        filters={filters}
        onFilters={setFilters}
        tenants={board.tenants}
        assignees={board.assignees}
        connection={connection}
        total={total}
        onSelectAll={selectAllShown}
        lanes={swimlanes}
        onLanes={setSwimlanes}
        onHelp={() => setHelp(true)}
      />
      <DndContext sensors={sensors} collisionDetection={collisions} accessibility={{ announcements }} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)}>
        {total === 0 && (
          <p role="status" data-testid="board-empty" className="mx-3 mt-3 rounded-md border border-dashed border-[var(--line-strong)] px-3 py-2 text-[12.5px] text-[var(--muted)]">
            {filters.q || filters.tenant || filters.assignee || filters.status.length ? (
              <>
                No task matches these filters.{" "}
                <button type="button" className="underline" onClick={() => setFilters({ q: "", tenant: "", assignee: "", archived: filters.archived, status: [] })}>
                  Clear filters
                </button>
              </>
            ) : (
              <>No tasks yet. Press <kbd>c</kbd> or <b>+</b> in Ready to add one, or run <code>kanban create &quot;title&quot;</code> in a terminal.</>
            )}
          </p>
        )}
        {lanes ? (
          <main className="flex flex-1 flex-col gap-3 overflow-auto p-3" aria-label="Board">
            {lanes.map((lane) => (
              <div key={lane.key} role="group" aria-label={`Lane ${lane.label}`} data-lane={lane.key} className="flex w-max min-w-full flex-col gap-1.5">
                <header className="sticky left-0 flex w-fit items-center gap-2 px-1 text-[12px]">
                  <h2 className="font-semibold">{lane.assignee ? `@${lane.label}` : lane.label}</h2>
                  <span className="tabular-nums text-[var(--muted)]" data-testid="lane-count">{lane.total}</span>
                  <span
                    className={`tabular-nums ${lane.cap != null && lane.running >= lane.cap ? "text-[var(--warn)]" : "text-[var(--muted)]"}`}
                    data-testid="lane-running"
                    title={lane.cap != null ? `running / this profile's cap (max_in_progress)` : "running (no cap for this assignee)"}
                  >
                    {lane.cap != null ? `${lane.running}/${lane.cap} running` : `${lane.running} running`}
                  </span>
                </header>
                <div className="flex gap-2">{columns(lane.columns, lane)}</div>
              </div>
            ))}
          </main>
        ) : (
          <main className="flex flex-1 gap-2 overflow-x-auto p-3" aria-label="Board">
            {columns(shown)}
          </main>
        )}
        <DragOverlay dropAnimation={null}>
          {draggingCard ? (
            <div className="w-[16rem] rotate-1 rounded-md border border-[var(--accent)] bg-[var(--card)] px-2.5 py-2 shadow-xl">
              <CardBody card={draggingCard} now={now} />
            </div>
          ) : null}
        </DragOverlay>
      </DndContext>
      {task && (
        <TaskDrawer
          key={task}
          id={task}
          version={drawerVersion}
          assignees={suggest.assignees}
          focusTitle={editTitle === task}
          onTitleFocused={() => setEditTitle(null)}
          onClose={() => setTask(null)}
          onError={toast}
          ask={ask}
        />
      )}
      {selected.size > 0 && <BulkBar count={selected.size} busy={busy} onRun={runBulk} onClear={clear} />}
      {help && <ShortcutsDialog onClose={() => setHelp(false)} />}
      {prompt && <PromptDialog req={prompt} />}
      <Toasts toasts={toasts} onDismiss={(id) => setToasts((ts) => ts.filter((t) => t.id !== id))} />
    </div>
  );
}
