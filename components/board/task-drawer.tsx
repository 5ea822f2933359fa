"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { api, errorMessage } from "@/lib/api-client";
import { columnLabel, type TaskDetail } from "@/lib/board-types";
import type { PatchTaskBody } from "@/lib/schemas";
import { Markdown } from "./markdown";
import { DrawerHistory } from "./drawer-history";
import { BodyEditor } from "@/components/task/body-editor";
import { ContextBrief } from "@/components/task/context-brief";
import { DependencyEditor } from "@/components/task/dependency-editor";
import { LiveLog } from "@/components/task/live-log";
import { RunHistory } from "@/components/task/run-history";
import { TaskFields } from "@/components/task/task-fields";
import type { PromptRequest } from "./prompt-dialog";

interface Props {
  id: string;
  /** Bumped when a live event touched this task: reload the detail. */
  version: number;
  /** Profiles and known assignees, suggested in the Assignee field. */
  assignees?: readonly string[];
  /** Focus and select the title field once the task has loaded (the `e` shortcut). */
  focusTitle?: boolean;
  onTitleFocused?(): void;
  onClose(): void;
  onError(text: string): void;
  ask(req: Omit<PromptRequest, "resolve">): Promise<{ text: string; kind?: string } | null>;
}

const field = "rounded border border-[var(--line)] bg-[var(--card)] px-1.5 py-0.5 text-[12.5px] text-[var(--fg)] outline-none focus:ring-2 focus:ring-[var(--accent)]";

export function TaskDrawer({ id, version, assignees = [], focusTitle, onTitleFocused, onClose, onError, ask }: Props) {
  const [detail, setDetail] = useState<TaskDetail | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const [comment, setComment] = useState("");
  const [confirmDelete, setConfirmDelete] = useState(false);

  const load = useCallback(() => {
    api.detail(id).then(
      (d) => {
        setDetail(d);
        setMissing(null);
      },
      (e) => setMissing(errorMessage(e)),
    );
  }, [id]);
  useEffect(load, [load, version]);

  const run = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (e) {
      onError(errorMessage(e));
    }
    load();
  };
  const patch = (body: PatchTaskBody) => run(() => api.patch(id, body));
  const t = detail?.task;
  const titleRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!focusTitle || !t || !titleRef.current) return;
    titleRef.current.focus();
    titleRef.current.select();
    onTitleFocused?.();
  }, [focusTitle, t, onTitleFocused]);

  return (
    <aside
      role="dialog"
      aria-modal="false"
      aria-label={t ? `Task ${t.title}` : "Task"}
      className="fixed top-0 right-0 z-40 flex h-full w-full max-w-xl flex-col border-l border-[var(--line)] bg-[var(--panel)] shadow-2xl"
      onKeyDown={(e) => {
        if (e.key === "Escape" && !(e.target instanceof HTMLTextAreaElement && e.target.value)) onClose();
      }}
    >
      <div className="flex items-center gap-2 border-b border-[var(--line)] px-4 py-2 text-[12px] text-[var(--muted)]">
        <span className="font-mono">{id}</span>
        {t && <span className="rounded bg-[var(--chip)] px-1.5" data-testid="drawer-status">{columnLabel(t.status)}</span>}
        <button type="button" onClick={onClose} aria-label="Close task" className="btn ml-auto">Esc</button>
      </div>
      {missing && <p className="p-4 text-[13px] text-[var(--bad)]">{missing}</p>}
      {!t && !missing && <p className="p-4 text-[13px] text-[var(--muted)]">Loading…</p>}
      {t && detail && (
        <div className="flex-1 space-y-5 overflow-y-auto px-4 py-3 text-[13px]">
          <input
            key={`title-${t.title}`}
            ref={titleRef}
            defaultValue={t.title}
            aria-label="Title"
            className="w-full rounded bg-transparent px-1 py-0.5 text-lg font-semibold outline-none focus:ring-2 focus:ring-[var(--accent)]"
            onKeyDown={(e) => e.key === "Enter" && e.currentTarget.blur()}
            onBlur={(e) => e.target.value.trim() && e.target.value !== t.title && patch({ title: e.target.value.trim() })}
          />
          <div className="flex flex-wrap items-center gap-3 text-[12px] text-[var(--muted)]">
            <label>
              Assignee{" "}
              <input key={`a-${t.assignee}`} defaultValue={t.assignee ?? ""} aria-label="Assignee" className={`${field} w-32`} list="drawer-assignees"
                onBlur={(e) => e.target.value.trim() !== (t.assignee ?? "") && patch({ assignee: e.target.value.trim() || null })}
                onKeyDown={(e) => e.key === "Enter" && e.currentTarget.blur()} />
              <datalist id="drawer-assignees">{assignees.map((a) => <option key={a} value={a} />)}</datalist>
            </label>
            <label>
              Priority{" "}
              <input key={`p-${t.priority}`} type="number" defaultValue={t.priority ?? 0} aria-label="Priority" className={`${field} w-16`}
                onBlur={(e) => Number(e.target.value) !== (t.priority ?? 0) && patch({ priority: Math.trunc(Number(e.target.value) || 0) })}
                onKeyDown={(e) => e.key === "Enter" && e.currentTarget.blur()} />
            </label>
          </div>
          <div className="flex flex-wrap gap-2" aria-label="Status actions" role="group">
            {t.status !== "done" && t.status !== "archived" && (
              <button type="button" className="btn" onClick={async () => {
                const r = await ask({ title: "Complete task", label: "Completion summary", confirm: "Complete" });
                if (r) await patch({ status: "done", summary: r.text });
              }}>Complete…</button>
            )}
            {!["blocked", "done", "archived"].includes(t.status) && (
              <button type="button" className="btn" onClick={async () => {
                const r = await ask({ title: "Block task", label: "Reason", confirm: "Block", withKind: true });
                if (r) await patch({ status: "blocked", reason: r.text, kind: (r.kind as PatchTaskBody["kind"]) ?? null });
              }}>Block…</button>
            )}
            {(t.status === "blocked" || t.status === "scheduled") && <button type="button" className="btn" onClick={() => run(() => api.action(id, "unblock"))}>Unblock</button>}
            {t.status !== "archived" && <button type="button" className="btn" onClick={() => run(() => api.action(id, "archive"))}>Archive</button>}
            {confirmDelete ? (
              <button type="button" className="btn border-[var(--bad)] text-[var(--bad)]" onClick={async () => {
                try {
                  await api.remove(id);
                  onClose();
                } catch (e) {
                  onError(errorMessage(e));
                  setConfirmDelete(false);
                }
              }}>Delete for good? Confirm</button>
            ) : (
              <button type="button" className="btn" onClick={() => setConfirmDelete(true)}>Delete…</button>
            )}
          </div>
          <BodyEditor body={t.body} onSave={(body) => patch({ body })} />
          <TaskFields task={t} onSaved={load} />
          <DependencyEditor detail={detail} onChanged={load} />
          <ContextBrief id={id} version={version} />
          <section aria-label="Comments">
            <h3 className="mb-1 text-[11px] font-semibold tracking-wide text-[var(--muted)] uppercase">Comments ({detail.comments.length})</h3>
            <ul className="space-y-2">
              {[...detail.comments].sort((a, b) => a.created_at - b.created_at || a.id - b.id).map((c) => (
                <li key={c.id} className="rounded-md border border-[var(--line)] bg-[var(--card)] px-2.5 py-1.5" data-testid="comment">
                  <div className="text-[11px] text-[var(--muted)]">{c.author} · {new Date(c.created_at * 1000).toLocaleString()}</div>
                  <Markdown text={c.body} />
                </li>
              ))}
            </ul>
            <form className="mt-2" onSubmit={(e) => {
              e.preventDefault();
              const body = comment.trim();
              if (!body) return;
              void run(async () => {
                await api.comment(id, body);
                setComment("");
              });
            }}>
              <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={2} aria-label="New comment" placeholder="Add a comment — Ctrl+Enter posts"
                className={`${field} w-full`}
                onKeyDown={(e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); e.currentTarget.form?.requestSubmit(); } }} />
              <button type="submit" className="btn mt-1" disabled={!comment.trim()}>Comment</button>
            </form>
          </section>
          <RunHistory detail={detail} onReclaim={async () => {
            const r = await ask({ title: "Reclaim task", label: "Why reclaim it?", confirm: "Reclaim" });
            if (r) await run(() => api.reclaim(id, r.text));
          }} />
          <LiveLog id={id} running={t.status === "running"} version={version} />
          <DrawerHistory detail={detail} />
        </div>
      )}
    </aside>
  );
}
