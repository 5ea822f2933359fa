"use client";
import { useEffect, useRef } from "react";

const KEYS: [string, string][] = [
  ["j / ↓", "next card in the column"],
  ["k / ↑", "previous card in the column"],
  ["h / ←", "column to the left"],
  ["l / →", "column to the right"],
  ["Enter", "open the focused card"],
  ["Esc", "close the drawer / clear the selection"],
  ["c", "create a task in the focused column"],
  ["x", "select / deselect the focused card"],
  ["e", "edit the focused card's title"],
  ["Ctrl/⌘ A", "select every card the filters show"],
  ["Ctrl/⌘-click, Shift-click", "toggle / select a range"],
  ["Space", "pick up a card to move it with the arrows"],
  ["/", "search"],
  ["?", "this list"],
];

export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-black/30 p-4" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        className="w-full max-w-sm rounded-lg border border-[var(--line)] bg-[var(--panel)] p-4 shadow-xl"
        onKeyDown={(e) => {
          if (e.key === "Escape" || e.key === "?") {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <div className="flex items-center">
          <h2 className="text-sm font-semibold">Keyboard shortcuts</h2>
          <button ref={ref} type="button" className="btn ml-auto" onClick={onClose} aria-label="Close shortcuts">Esc</button>
        </div>
        <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-[12.5px]">
          {KEYS.map(([k, v]) => (
            <div key={k} className="contents">
              <dt><kbd className="rounded border border-[var(--line)] bg-[var(--chip)] px-1 font-mono text-[11.5px]">{k}</kbd></dt>
              <dd className="text-[var(--muted)]">{v}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
