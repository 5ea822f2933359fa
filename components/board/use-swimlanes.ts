"use client";
import { useCallback, useEffect, useState } from "react";

const KEY = "fleet-kanban:swimlanes";

/** The swimlanes toggle, remembered in localStorage (read after mount: the server renders columns). */
export function useSwimlanes(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(false);
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (window.localStorage.getItem(KEY) === "1") setOn(true);
  }, []);
  const set = useCallback((v: boolean) => {
    setOn(v);
    window.localStorage.setItem(KEY, v ? "1" : "0");
  }, []);
  return [on, set];
}
