"use client";
import { useState, type ReactNode } from "react";
import { api, errorMessage } from "@/lib/api-client";
import type { Task } from "@/lib/board-types";
import type { PatchTaskBody } from "@/lib/schemas";
import { formatDurationInput, fromLocalInput, parseDuration, toLocalInput } from "./format";
import { SkillsInput } from "./skills-input";
import { inputCls } from "./ui";

type Key = "tenant" | "skills" | "runtime" | "retries" | "scheduled" | "workspace";

/** Tenant, skills, workspace, limits and schedule; each saved by PATCH, errors inline. */
export function TaskFields({ task, onSaved }: { task: Task; onSaved(): void }) {
  const [errors, setErrors] = useState<Partial<Record<Key, string>>>({});
  const save = async (key: Key, build: () => PatchTaskBody) => {
    try {
      await api.patch(task.id, build());
      setErrors((e) => ({ ...e, [key]: undefined }));
    } catch (e) {
      setErrors((x) => ({ ...x, [key]: errorMessage(e) }));
    }
    onSaved();
  };
  const blurOnEnter = (e: React.KeyboardEvent<HTMLInputElement>) => e.key === "Enter" && e.currentTarget.blur();
  const row = (key: Key, label: string, control: ReactNode) => (
    <div className="grid grid-cols-[7.5rem_1fr] items-start gap-2">
      <span className="pt-0.5 text-[var(--muted)]">{label}</span>
      <div>
        {control}
        {errors[key] && <p role="alert" data-testid={`error-${key}`} className="mt-0.5 text-[12px] text-[var(--bad)]">{errors[key]}</p>}
      </div>
    </div>
  );
  // The Hermes-style spec the API takes: scratch | dir:<abs> | worktree[:<abs>].
  const spec = `${task.workspace_kind ?? "scratch"}${task.workspace_path ? `:${task.workspace_path}` : ""}`;

  return (
    <section aria-label="Details" className="space-y-1.5 text-[12.5px]">
      {row("tenant", "Tenant",
        <input key={`tenant-${task.tenant}`} defaultValue={task.tenant ?? ""} aria-label="Tenant" className={`${inputCls} w-48`} onKeyDown={blurOnEnter}
          onBlur={(e) => { const v = e.target.value.trim(); if (v !== (task.tenant ?? "")) void save("tenant", () => ({ tenant: v || null })); }} />)}
      {row("skills", "Skills", <SkillsInput skills={task.skills} onChange={(next) => save("skills", () => ({ skills: next }))} />)}
      {row("runtime", "Max runtime",
        <input key={`rt-${task.max_runtime_seconds}`} defaultValue={formatDurationInput(task.max_runtime_seconds)} aria-label="Max runtime" placeholder="default (e.g. 90s, 5m, 2h)"
          className={`${inputCls} w-48`} onKeyDown={blurOnEnter}
          onBlur={(e) => {
            const text = e.target.value;
            let secs: number | null;
            try { secs = parseDuration(text); } catch (err) { setErrors((x) => ({ ...x, runtime: errorMessage(err) })); return; }
            if (secs !== (task.max_runtime_seconds ?? null)) void save("runtime", () => ({ max_runtime_seconds: secs }));
            else setErrors((x) => ({ ...x, runtime: undefined }));
          }} />)}
      {row("retries", "Max retries",
        <input key={`mr-${task.max_retries}`} type="number" min={1} defaultValue={task.max_retries ?? ""} aria-label="Max retries" placeholder="default"
          className={`${inputCls} w-24`} onKeyDown={blurOnEnter}
          onBlur={(e) => {
            const v = e.target.value.trim() === "" ? null : Math.trunc(Number(e.target.value));
            if (v !== (task.max_retries ?? null)) void save("retries", () => ({ max_retries: v }));
          }} />)}
      {row("scheduled", "Scheduled at",
        <input key={`sa-${task.scheduled_at}`} type="datetime-local" defaultValue={toLocalInput(task.scheduled_at)} aria-label="Scheduled at"
          className={`${inputCls} w-56`} onKeyDown={blurOnEnter}
          onBlur={(e) => {
            if (e.target.value === toLocalInput(task.scheduled_at)) return;
            let v: number | null;
            try { v = fromLocalInput(e.target.value); } catch (err) { setErrors((x) => ({ ...x, scheduled: errorMessage(err) })); return; }
            void save("scheduled", () => ({ scheduled_at: v }));
          }} />)}
      {row("workspace", "Workspace",
        <div className="flex flex-wrap gap-1.5">
          <input key={`ws-${spec}`} defaultValue={spec} aria-label="Workspace" placeholder="scratch | dir:/abs/path | worktree[:/repo]" list="workspace-kinds"
            className={`${inputCls} w-64 font-mono`} onKeyDown={blurOnEnter} data-testid="workspace"
            onBlur={(e) => { const v = e.target.value.trim() || "scratch"; if (v !== spec) void save("workspace", () => ({ workspace: v, branch_name: v.startsWith("worktree") ? (task.branch_name ?? null) : null })); }} />
          <datalist id="workspace-kinds"><option value="scratch" /><option value="worktree" /><option value="dir:/" /></datalist>
          {task.workspace_kind === "worktree" && (
            <input key={`br-${task.branch_name}`} defaultValue={task.branch_name ?? ""} aria-label="Branch" placeholder="branch (default: the task id)"
              className={`${inputCls} w-48 font-mono`} onKeyDown={blurOnEnter}
              onBlur={(e) => { const v = e.target.value.trim(); if (v !== (task.branch_name ?? "")) void save("workspace", () => ({ workspace: spec, branch_name: v || null })); }} />
          )}
        </div>)}
    </section>
  );
}
