"use client";
/**
 * The board's data: the columns, the filters (mirrored into the URL), one live WebSocket that
 * re-fetches only the cards that changed (GET /api/board?ids=, in board format, with their
 * parents), and optimistic moves with rollback. Every network
 * update goes through one promise chain so a slow reload can never overwrite a newer card.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "@/lib/api-client";
import type { BoardData, BoardFilters, Status } from "@/lib/board-types";
import { cardFromTask, findCard, moveCard, removeCard, setPositions, upsertCard } from "@/lib/board-state";
import { LiveSocket, type ConnectionState } from "@/lib/ws-client";
import type { WsEvent } from "@/lib/ws-protocol";
import type { PatchTaskBody } from "@/lib/schemas";

/** Above this many changed cards in one burst, reload the board instead of fetching them by id. */
const BY_ID_LIMIT = 300;

export function filtersToSearch(f: BoardFilters, task: string | null): string {
  const p = new URLSearchParams();
  if (f.q) p.set("q", f.q);
  if (f.tenant) p.set("tenant", f.tenant);
  if (f.assignee) p.set("assignee", f.assignee);
  if (f.archived) p.set("archived", "1");
  if (f.status.length) p.set("status", f.status.join(","));
  if (task) p.set("task", task);
  const s = p.toString();
  return s ? `?${s}` : window.location.pathname;
}

export function useLiveBoard(initial: BoardData, initialFilters: BoardFilters, onTaskEvents: (ids: Set<string>) => void) {
  const [board, setBoard] = useState(initial);
  const [filters, setFiltersState] = useState(initialFilters);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [flash, setFlash] = useState<Map<string, number>>(new Map());
  const [clockOffset, setClockOffset] = useState(0);
  const filtersRef = useRef(filters);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const pending = useRef(new Set<string>());
  const flushTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onTaskEventsRef = useRef(onTaskEvents);
  useEffect(() => {
    onTaskEventsRef.current = onTaskEvents;
  });

  const enqueue = useCallback(<T,>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.current.then(fn, fn);
    chain.current = p.catch(() => undefined);
    return p;
  }, []);

  const reload = useCallback(
    () =>
      enqueue(async () => {
        const b = await api.board(filtersRef.current);
        setClockOffset(b.now - Date.now() / 1000);
        setBoard(b);
        return b;
      }),
    [enqueue],
  );

  const flushChanged = useCallback(() => {
    const ids = [...pending.current];
    pending.current.clear();
    if (!ids.length) return;
    // A burst touching many cards (a bulk change of hundreds) is cheaper as one board reload than
    // as a by-id fetch (which the server caps at 1,000 ids).
    if (ids.length > BY_ID_LIMIT) {
      void reload().catch(() => undefined);
      return;
    }
    void enqueue(async () => {
      // The server computes these cards exactly as on the full board (counts, vitals, waiting-on,
      // block reason), restricted to the changed tasks and their parents, under this view's
      // filters: no full reload after a change.
      const r = await api.cards(ids, filtersRef.current);
      setBoard((b) => {
        let next = b;
        for (const id of r.missing) next = removeCard(next, id);
        for (const card of r.cards) next = upsertCard(next, card, true);
        // `now` stays: every card takes it as a prop, and a new value would re-render all of them.
        return next;
      });
      setFlash((m) => {
        const n = new Map(m);
        for (const id of ids) n.set(id, (n.get(id) ?? 0) + 1);
        return n;
      });
    }).catch(() => undefined);
  }, [enqueue, reload]);

  const handleEvents = useCallback(
    (events: WsEvent[]) => {
      const ids = new Set(events.map((e) => e.task_id));
      for (const id of ids) pending.current.add(id);
      if (flushTimer.current) clearTimeout(flushTimer.current);
      flushTimer.current = setTimeout(flushChanged, 25);
      onTaskEventsRef.current(ids);
    },
    [flushChanged],
  );

  // One socket per mounted board; StrictMode mounts twice, so the cleanup closes it (STACK P13).
  useEffect(() => {
    setClockOffset(initial.now - Date.now() / 1000);
    const sock = new LiveSocket(initial.latest_event_id, {
      onEvents: (events) => handleEvents(events),
      onResync: () => void reload().catch(() => undefined),
      onState: setConnection,
    });
    return () => {
      sock.close();
      if (flushTimer.current) clearTimeout(flushTimer.current);
    };
    // The initial cursor only matters for the first connection; later ones resume from the socket's.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const setFilters = useCallback(
    (f: BoardFilters) => {
      filtersRef.current = f;
      setFiltersState(f);
      void reload().catch(() => undefined);
    },
    [reload],
  );

  /**
   * Optimistic move (a new status and/or, from a swimlane drop, a new assignee) in one PATCH; on a
   * refusal the card goes back and the server's message is thrown.
   */
  const move = useCallback(
    async (id: string, status: Status, extra: Pick<PatchTaskBody, "summary" | "reason" | "kind" | "assignee"> = {}) => {
      let before: ReturnType<typeof findCard>;
      setBoard((b) => {
        before = findCard(b, id);
        return moveCard(b, id, status, extra.assignee);
      });
      try {
        const t = await api.patch(id, { ...(before?.status !== status ? { status } : {}), ...extra });
        setBoard((b) => upsertCard(b, cardFromTask(t, findCard(b, id)), true));
      } catch (e) {
        setBoard((b) => (before ? upsertCard(b, before, true) : b));
        throw e;
      }
    },
    [],
  );

  /** Optimistic reorder: the new positions show at once; on a refusal the board reloads. */
  const reorder = useCallback(
    async (positions: Map<string, number>) => {
      setBoard((b) => setPositions(b, positions));
      try {
        // Independent writes: a few at a time (a drop far down a long column renumbers many cards).
        const entries = [...positions];
        for (let i = 0; i < entries.length; i += 8) {
          await Promise.all(entries.slice(i, i + 8).map(([id, position]) => api.patch(id, { position })));
        }
      } catch (e) {
        void reload().catch(() => undefined);
        throw e;
      }
    },
    [reload],
  );

  return { board, filters, setFilters, connection, flash, clockOffset, reload, move, reorder };
}
