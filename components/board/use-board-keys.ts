"use client";
/**
 * Board keyboard shortcuts: j/k or ↓/↑ move between cards of a column, h/l or ←/→ across columns,
 * Enter opens (the card handles it), x selects, e edits the title, c creates in the focused column,
 * Ctrl/Cmd+A selects everything the filters show, ? lists the keys, Esc closes. Nothing fires while typing or inside a dialog.
 */
import { useEffect, useRef } from "react";
import { columnKeyOf, focusCardWhenMounted, getColumn, type ColumnHandle } from "./column-registry";

interface Handlers {
  /** False while dragging or a modal is open. */
  enabled(): boolean;
  onToggle(id: string): void;
  onCreate(colKey: string): void;
  /** `e`: edit the focused card's title. */
  onEditTitle(id: string): void;
  /** Ctrl/Cmd+A: select every card the current filters show. */
  onSelectAll(): void;
  onHelp(): void;
  onEscape(): void;
}

const typing = (el: Element | null) =>
  !!el && (["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) || (el as HTMLElement).isContentEditable);

/** Focus moves by the columns' full card order (columns are windowed: most cards are not in the DOM). */
function move(dir: "up" | "down" | "left" | "right") {
  const current = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>("[data-card-id]");
  const key = columnKeyOf(current);
  const col = getColumn(key);
  if (!current || !col) {
    const first = document.querySelector<HTMLElement>("main [data-card-id]");
    return first && focusCardWhenMounted(first.dataset.cardId!);
  }
  const i = col.ids.indexOf(current.dataset.cardId!);
  const go = (handle: ColumnHandle, id: string | undefined) => {
    if (!id) return;
    handle.reveal(id);
    focusCardWhenMounted(id);
  };
  if (dir === "up" || dir === "down") return go(col, col.ids[i + (dir === "down" ? 1 : -1)]);
  const section = current.closest("section[data-col-key]")!;
  const scope = section.closest("[data-lane]") ?? document;
  const keys = [...scope.querySelectorAll<HTMLElement>("section[data-col-key]")].map((s) => s.dataset.colKey!);
  const step = dir === "right" ? 1 : -1;
  for (let c = keys.indexOf(key!) + step; c >= 0 && c < keys.length; c += step) {
    const next = getColumn(keys[c]);
    if (next?.ids.length) return go(next, next.ids[Math.min(i, next.ids.length - 1)]);
  }
}

const MOVES: Record<string, "up" | "down" | "left" | "right"> = {
  j: "down", ArrowDown: "down", k: "up", ArrowUp: "up", h: "left", ArrowLeft: "left", l: "right", ArrowRight: "right",
};

export function useBoardKeys(handlers: Handlers) {
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const h = ref.current;
      const target = e.target as Element | null;
      if (e.defaultPrevented || typing(target) || !h.enabled()) return;
      if (target?.closest?.("[role=dialog]")) return;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "a") {
        e.preventDefault();
        return h.onSelectAll();
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>("[data-card-id]");
      if (e.key === "Escape") return h.onEscape();
      if (e.key === "?") {
        e.preventDefault();
        return h.onHelp();
      }
      if (MOVES[e.key]) {
        e.preventDefault();
        return move(MOVES[e.key]);
      }
      if (e.key === "e" && focused) {
        e.preventDefault();
        return h.onEditTitle(focused.dataset.cardId!);
      }
      if (e.key === "x" && focused) {
        e.preventDefault();
        return h.onToggle(focused.dataset.cardId!);
      }
      if (e.key === "c") {
        const col =
          (document.activeElement as HTMLElement | null)?.closest<HTMLElement>("section[data-creatable]") ??
          document.querySelector<HTMLElement>('section[data-status="ready"][data-creatable]');
        if (col?.dataset.colKey) {
          e.preventDefault();
          h.onCreate(col.dataset.colKey);
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
