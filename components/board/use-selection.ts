"use client";
/** Multi-select: toggle, Shift range within a column (board order), select-all, and per-card bulk failures. */
import { useCallback, useRef, useState } from "react";
import { columnKeyOf, getColumn } from "./column-registry";

/** The full card order of the column holding `id` (from the registry: columns are windowed). */
function columnIds(id: string): readonly string[] {
  const el = document.querySelector(`[data-card-id="${CSS.escape(id)}"]`);
  return getColumn(columnKeyOf(el))?.ids ?? [id];
}

export function useSelection() {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [failed, setFailed] = useState<ReadonlyMap<string, string>>(new Map());
  const anchor = useRef<string | null>(null);

  const select = useCallback((id: string, mode: "toggle" | "range") => {
    setSelected((s) => {
      const n = new Set(s);
      if (mode === "range" && anchor.current) {
        const ids = columnIds(id);
        const a = ids.indexOf(anchor.current);
        const b = ids.indexOf(id);
        if (a >= 0 && b >= 0) {
          for (const x of ids.slice(Math.min(a, b), Math.max(a, b) + 1)) n.add(x);
          return n;
        }
      }
      if (n.has(id)) n.delete(id);
      else n.add(id);
      anchor.current = id;
      return n;
    });
  }, []);

  const selectMany = useCallback((ids: string[], on: boolean) => {
    setSelected((s) => {
      const n = new Set(s);
      for (const id of ids) on ? n.add(id) : n.delete(id);
      return n;
    });
  }, []);

  const clear = useCallback(() => {
    setSelected(new Set());
    setFailed(new Map());
    anchor.current = null;
  }, []);

  /** After a bulk action: the failed cards stay selected and outlined. */
  const settle = useCallback((failures: Map<string, string>) => {
    setSelected(new Set(failures.keys()));
    setFailed(failures);
  }, []);

  return { selected, failed, select, selectMany, clear, settle };
}
