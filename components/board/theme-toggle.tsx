"use client";
import { useEffect, useState } from "react";

type Theme = "system" | "light" | "dark";
const NEXT: Record<Theme, Theme> = { system: "light", light: "dark", dark: "system" };

/** System default, or a remembered choice (localStorage "theme"); the layout's inline script applies it before paint. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>("system");
  useEffect(() => {
    const saved = localStorage.getItem("theme");
    if (saved === "light" || saved === "dark") setTheme(saved);
  }, []);
  const choose = (t: Theme) => {
    setTheme(t);
    if (t === "system") {
      localStorage.removeItem("theme");
      delete document.documentElement.dataset.theme;
    } else {
      localStorage.setItem("theme", t);
      document.documentElement.dataset.theme = t;
    }
  };
  return (
    <button type="button" className="btn" onClick={() => choose(NEXT[theme])} aria-label={`Theme: ${theme} (click to change)`} data-testid="theme-toggle">
      {theme === "system" ? "◐ System" : theme === "light" ? "☀ Light" : "☾ Dark"}
    </button>
  );
}
