"use client";
import { useState } from "react";
import { Markdown } from "@/components/board/markdown";
import { h3Cls, inputCls } from "./ui";

/** The markdown description with Edit / Preview tabs; Save patches, Cancel drops the draft. */
export function BodyEditor({ body, onSave }: { body: string | null; onSave(next: string | null): Promise<unknown> }) {
  const [mode, setMode] = useState<"view" | "edit" | "preview">("view");
  const [draft, setDraft] = useState("");
  const editing = mode !== "view";
  return (
    <section aria-label="Description">
      <div className={`${h3Cls} flex items-center gap-1`}>
        Description
        <span className="ml-auto flex gap-1 normal-case">
          {editing ? (
            <>
              <button type="button" className="btn" aria-pressed={mode === "edit"} onClick={() => setMode("edit")}>Edit</button>
              <button type="button" className="btn" aria-pressed={mode === "preview"} onClick={() => setMode("preview")}>Preview</button>
              <button type="button" className="btn" onClick={() => setMode("view")}>Cancel</button>
              <button type="button" className="btn btn-primary" onClick={async () => { await onSave(draft || null); setMode("view"); }}>Save</button>
            </>
          ) : (
            <button type="button" className="btn" onClick={() => { setDraft(body ?? ""); setMode("edit"); }}>Edit</button>
          )}
        </span>
      </div>
      {mode === "edit" ? (
        <textarea value={draft} onChange={(e) => setDraft(e.target.value)} rows={8} aria-label="Description (markdown)" className={`${inputCls} w-full font-mono`} />
      ) : mode === "preview" ? (
        <div data-testid="body-preview" className="rounded border border-dashed border-[var(--line)] p-2">
          {draft ? <Markdown text={draft} /> : <p className="text-[var(--muted)]">Nothing to preview.</p>}
        </div>
      ) : body ? (
        <Markdown text={body} />
      ) : (
        <p className="text-[var(--muted)]">No description. Press Edit to write one (markdown).</p>
      )}
    </section>
  );
}
