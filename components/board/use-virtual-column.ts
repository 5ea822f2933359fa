"use client";
/**
 * Windowing for one board column: only the cards inside the scrolled viewport (plus an overscan
 * margin, plus any pinned card — the focused one, the one being dragged) are mounted. Cards have
 * different heights (chips, vital signs, block reasons), so each mounted card is measured with a
 * ResizeObserver and the measurement replaces the estimate for the cards above the window.
 *
 * Layout: a spacer as tall as the whole column; the window's cards in normal flow inside a block
 * placed at the window's offset (so their real heights, not estimates, decide where each one sits:
 * nothing shifts when the measurements arrive); pinned cards outside the window are placed
 * absolutely at their estimated offsets.
 *
 * The first render (server and hydration) assumes a 1,000 px viewport at the top, so the HTML the
 * server sends is the same the client hydrates, and only the first screenful is in it.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";

const useIsoLayoutEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

export interface VirtualItem {
  id: string;
  index: number;
  top: number;
}

interface Options {
  /** Estimated height (px) of the card at `index` before it has been measured. */
  estimate(index: number): number;
  /** Vertical gap between cards. */
  gap: number;
  /** Extra pixels rendered above and below the viewport. */
  overscan?: number;
  /** Cards that stay mounted wherever they are (focus, drag). */
  pinned?: readonly (string | null | undefined)[];
}

/** First index whose bottom edge is below `y` (tops has n + 1 entries). */
function firstBelow(tops: Float64Array, n: number, y: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid + 1] <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function useVirtualColumn(ids: readonly string[], { estimate, gap, overscan = 600, pinned = [] }: Options) {
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const listRef = useRef<HTMLDivElement | null>(null);
  const heights = useRef(new Map<string, number>());
  const [measured, setMeasured] = useState(0);
  const [view, setView] = useState({ top: 0, height: 1000 });
  const [revealed, setRevealed] = useState<string | null>(null);

  const tops = useMemo(() => {
    const t = new Float64Array(ids.length + 1);
    for (let i = 0; i < ids.length; i++) t[i + 1] = t[i] + (heights.current.get(ids[i]) ?? estimate(i)) + gap;
    return t;
    // `measured` bumps when a card's measured height changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ids, measured, gap]);
  const total = ids.length ? tops[ids.length] - gap : 0;

  // The visible window in list coordinates (the list may sit below an inline-create form).
  const readView = useCallback(() => {
    const sc = scrollRef.current;
    const list = listRef.current;
    if (!sc || !list) return;
    const offset = list.getBoundingClientRect().top - sc.getBoundingClientRect().top + sc.scrollTop;
    const next = { top: Math.round(sc.scrollTop - offset), height: sc.clientHeight };
    setView((v) => (v.top === next.top && v.height === next.height ? v : next));
  }, []);

  useIsoLayoutEffect(() => {
    const sc = scrollRef.current;
    if (!sc) return;
    readView();
    let frame = 0;
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(() => ((frame = 0), readView()));
    };
    sc.addEventListener("scroll", onScroll, { passive: true });
    const ro = new ResizeObserver(onScroll);
    ro.observe(sc);
    return () => {
      cancelAnimationFrame(frame);
      sc.removeEventListener("scroll", onScroll);
      ro.disconnect();
    };
  }, [readView]);

  // One ResizeObserver measures every mounted card; a changed height re-lays the column out once a frame.
  const observer = useRef<ResizeObserver | null>(null);
  const bump = useRef(0);
  const getObserver = () => {
    if (!observer.current && typeof ResizeObserver !== "undefined") {
      observer.current = new ResizeObserver((entries) => {
        let changed = false;
        for (const e of entries) {
          const el = e.target as HTMLElement;
          const id = el.dataset.vid;
          if (!id || !el.isConnected) continue;
          const h = e.borderBoxSize?.[0]?.blockSize ?? el.offsetHeight;
          if (h > 0 && Math.abs((heights.current.get(id) ?? -1) - h) > 0.5) {
            heights.current.set(id, h);
            changed = true;
          }
        }
        if (changed && !bump.current) bump.current = requestAnimationFrame(() => ((bump.current = 0), setMeasured((m) => m + 1)));
      });
    }
    return observer.current;
  };
  useEffect(() => () => {
    observer.current?.disconnect();
    observer.current = null; // a remount (StrictMode) observes its cards again through a fresh one
    cancelAnimationFrame(bump.current);
    bump.current = 0;
  }, []);

  const refs = useRef(new Map<string, (el: HTMLElement | null) => void>());
  const elements = useRef(new Map<string, HTMLElement>());
  /** A stable callback ref per card id that registers the element for measuring. */
  const measure = useCallback((id: string) => {
    let fn = refs.current.get(id);
    if (!fn) {
      fn = (el: HTMLElement | null) => {
        const old = elements.current.get(id);
        if (old && old !== el) observer.current?.unobserve(old);
        if (el) {
          el.dataset.vid = id;
          elements.current.set(id, el);
          getObserver()?.observe(el);
        } else {
          elements.current.delete(id);
          refs.current.delete(id);
        }
      };
      refs.current.set(id, fn);
    }
    return fn;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const n = ids.length;
  const start = n ? firstBelow(tops, n, view.top - overscan) : 0;
  let end = start;
  while (end < n && tops[end] < view.top + view.height + overscan) end++;
  const items: VirtualItem[] = [];
  for (let i = start; i < end; i++) items.push({ id: ids[i], index: i, top: tops[i] });
  const outside: VirtualItem[] = [];
  const extra = [...pinned, revealed];
  if (extra.some(Boolean)) {
    const index = new Map<string, number>();
    for (const id of extra) {
      if (!id || index.has(id)) continue;
      const i = ids.indexOf(id);
      if (i >= 0 && (i < start || i >= end)) index.set(id, i);
    }
    for (const [id, i] of index) outside.push({ id, index: i, top: tops[i] });
  }

  /** Scrolls the card into the column's view (nearest edge) and keeps it mounted. */
  const reveal = useCallback(
    (id: string) => {
      const i = ids.indexOf(id);
      const sc = scrollRef.current;
      const list = listRef.current;
      if (i < 0 || !sc || !list) return;
      setRevealed(id);
      const offset = list.getBoundingClientRect().top - sc.getBoundingClientRect().top + sc.scrollTop;
      const top = tops[i] + offset;
      const bottom = tops[i + 1] - gap + offset;
      if (top < sc.scrollTop) sc.scrollTop = top - 8;
      else if (bottom > sc.scrollTop + sc.clientHeight) sc.scrollTop = bottom - sc.clientHeight + 8;
    },
    [ids, tops, gap],
  );

  /** `items`: the window, in flow from `windowTop`; `outside`: pinned cards, placed absolutely. */
  return { scrollRef, listRef, items, windowTop: n ? tops[start] : 0, outside, total, measure, reveal };
}
