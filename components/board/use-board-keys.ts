"use client";
/**
 * Board keyboard shortcuts: j/k or ↓/↑ move between cards of a column, h/l or ←/→ across columns,
 * Enter opens (the card handles it), x selects, c creates in the focused column, ? lists the keys,
 * Esc closes. Nothing fires while typing or inside a dialog.
 */
import { useEffect, useRef } from "react";

interface Handlers {
  /** False while dragging or a modal is open. */
  enabled(): boolean;
  onToggle(id: string): void;
  onCreate(colKey: string): void;
  onHelp(): void;
  onEscape(): void;
}

const typing = (el: Element | null) =>
  !!el && (["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) || (el as HTMLElement).isContentEditable);

const cardsOf = (col: Element) => [...col.querySelectorAll<HTMLElement>("[data-card-id]")];

function focusCard(el: HTMLElement | undefined) {
  if (!el) return;
  el.focus();
  el.scrollIntoView({ block: "nearest", inline: "nearest" });
}

function move(dir: "up" | "down" | "left" | "right") {
  const current = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>("[data-card-id]");
  const col = current?.closest("section[data-status]");
  if (!current || !col) return focusCard(document.querySelector<HTMLElement>("main [data-card-id]") ?? undefined);
  const cards = cardsOf(col);
  const i = cards.indexOf(current);
  if (dir === "up" || dir === "down") return focusCard(cards[i + (dir === "down" ? 1 : -1)]);
  const scope = col.closest("[data-lane]") ?? document;
  const cols = [...scope.querySelectorAll("section[data-status]")];
  for (let c = cols.indexOf(col) + (dir === "right" ? 1 : -1); c >= 0 && c < cols.length; c += dir === "right" ? 1 : -1) {
    const next = cardsOf(cols[c]);
    if (next.length) return focusCard(next[Math.min(i, next.length - 1)]);
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
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(target) || !h.enabled()) return;
      if (target?.closest?.("[role=dialog]")) return;
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
