"use client";
export interface Toast {
  id: number;
  text: string;
  tone: "error" | "info";
}

export function Toasts({ toasts, onDismiss }: { toasts: Toast[]; onDismiss(id: number): void }) {
  return (
    <div className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-80 flex-col gap-2" aria-live="polite">
      {toasts.map((t) => (
        <div
          key={t.id}
          role={t.tone === "error" ? "alert" : "status"}
          data-testid="toast"
          className={`pointer-events-auto flex items-start gap-2 rounded-md border px-3 py-2 text-[12.5px] shadow-lg ${t.tone === "error" ? "border-[var(--bad)] bg-[var(--panel)] text-[var(--fg)]" : "border-[var(--line)] bg-[var(--panel)] text-[var(--fg)]"}`}
        >
          <span className="flex-1">{t.text}</span>
          <button type="button" aria-label="Dismiss" className="text-[var(--muted)] hover:text-[var(--fg)]" onClick={() => onDismiss(t.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
