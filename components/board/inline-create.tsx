"use client";
import { useId, useState, type KeyboardEvent } from "react";
import type { CreateTaskBody } from "@/lib/schemas";
import type { Status } from "@/lib/board-types";

export interface CreateSuggestions {
  /** Profiles from config.yaml and assignees already on the board. */
  assignees: readonly string[];
  tenants: readonly string[];
  /** The tenant the board is filtered to: a card created there should stay in view. */
  defaultTenant?: string;
}

const field =
  "min-w-0 rounded border border-[var(--line)] bg-[var(--chip)] px-1.5 py-0.5 text-[11.5px] text-[var(--fg)] outline-none placeholder:text-[var(--muted)] focus:border-[var(--accent)]";

/** Ids may be separated by commas or spaces; skills only by commas (a skill may contain a space). */
const ids = (s: string) => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
const commaList = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

/**
 * The `+` form at the top of a column: a title plus the optional fields of a new task (assignee
 * with suggestions, priority, tenant, skills, parents, workspace). Enter in any field creates and
 * keeps the form open for the next one; Esc cancels.
 */
export function InlineCreate({
  label, suggest, defaultAssignee, status, onCancel, onCreate,
}: {
  label: string;
  /** The column: Scheduled asks a start time, Blocked a reason (and kind), Done a summary. */
  status: Status;
  suggest: CreateSuggestions;
  defaultAssignee?: string | null;
  onCancel(): void;
  onCreate(draft: CreateTaskBody): Promise<void>;
}) {
  const uid = useId();
  const [title, setTitle] = useState("");
  const [assignee, setAssignee] = useState(defaultAssignee ?? "");
  const [priority, setPriority] = useState("");
  const [tenant, setTenant] = useState(suggest.defaultTenant ?? "");
  const [startAt, setStartAt] = useState("");
  const [reason, setReason] = useState("");
  const [kind, setKind] = useState("");
  const [summary, setSummary] = useState("");
  const [skills, setSkills] = useState("");
  const [parents, setParents] = useState("");
  const [workspace, setWorkspace] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const draft = (): CreateTaskBody | string => {
    const d: CreateTaskBody = { title: title.trim() };
    if (assignee.trim()) d.assignee = assignee.trim();
    if (priority.trim()) {
      const p = Number(priority);
      if (!Number.isInteger(p)) return "Priority must be a whole number.";
      d.priority = p;
    }
    if (tenant.trim()) d.tenant = tenant.trim();
    if (commaList(skills).length) d.skills = commaList(skills);
    if (ids(parents).length) d.parents = ids(parents);
    if (workspace.trim()) d.workspace = workspace.trim();
    if (status === "scheduled") {
      const at = new Date(startAt).getTime();
      if (!startAt || !Number.isFinite(at)) return "Pick a start time for a scheduled task.";
      d.scheduled_at = Math.floor(at / 1000);
    }
    if (status === "blocked") {
      if (!reason.trim()) return "Say why it is blocked.";
      d.reason = reason.trim();
      if (kind) d.kind = kind as CreateTaskBody["kind"];
    }
    if (status === "done") {
      if (!summary.trim()) return "Give a completion summary.";
      d.summary = summary.trim();
    }
    return d;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      onCancel();
    }
  };

  return (
    <form
      className="mb-1.5 shrink-0 rounded-md border border-[var(--accent)] bg-[var(--card)] p-1.5"
      aria-label={`New task in ${label}`}
      onKeyDown={onKeyDown}
      onSubmit={async (e) => {
        e.preventDefault();
        if (!title.trim() || busy) return;
        const d = draft();
        if (typeof d === "string") return setError(d);
        setBusy(true);
        setError(null);
        try {
          await onCreate(d);
          setTitle("");
          setParents("");
        } catch (err) {
          setError(err instanceof Error ? err.message : String(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <input
        autoFocus
        value={title}
        disabled={busy}
        onChange={(e) => setTitle(e.target.value)}
        aria-label={`New task title in ${label}`}
        placeholder="Task title — Enter to create, Esc to cancel"
        className="w-full bg-transparent px-1 py-0.5 text-[13px] text-[var(--fg)] outline-none placeholder:text-[var(--muted)]"
      />
      {status === "blocked" && (
        <div className="mt-1 flex gap-1">
          <input aria-required="true" value={reason} onChange={(e) => setReason(e.target.value)} aria-label="Blocked reason" placeholder="why is it blocked? (required)" className={`${field} flex-1`} />
          <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label="Block kind" className={field}>
            <option value="">kind</option>
            <option value="needs_input">needs input</option>
            <option value="capability">capability</option>
            <option value="transient">transient</option>
          </select>
        </div>
      )}
      {status === "done" && (
        <input aria-required="true" value={summary} onChange={(e) => setSummary(e.target.value)} aria-label="Completion summary" placeholder="what was done? (required)" className={`${field} mt-1 w-full`} />
      )}
      {status === "scheduled" && (
        <label className="mt-1 flex items-center gap-1.5 px-1 text-[11.5px] text-[var(--muted)]">
          Start at
          <input type="datetime-local" aria-required="true" value={startAt} onChange={(e) => setStartAt(e.target.value)} aria-label="Start at" className={`${field} flex-1`} />
        </label>
      )}
      <div className="mt-1 grid grid-cols-2 gap-1">
        <input className={field} value={assignee} onChange={(e) => setAssignee(e.target.value)} list={`${uid}-a`} aria-label="Assignee" placeholder="@assignee" />
        <input className={field} value={priority} onChange={(e) => setPriority(e.target.value)} inputMode="numeric" aria-label="Priority" placeholder="priority (0–9)" />
        <input className={field} value={tenant} onChange={(e) => setTenant(e.target.value)} list={`${uid}-t`} aria-label="Tenant" placeholder="tenant" />
        <input className={field} value={skills} onChange={(e) => setSkills(e.target.value)} aria-label="Skills" placeholder="skills, comma-separated" />
        <input className={field} value={parents} onChange={(e) => setParents(e.target.value)} aria-label="Parents" placeholder="parent ids" />
        <input className={field} value={workspace} onChange={(e) => setWorkspace(e.target.value)} list={`${uid}-w`} aria-label="Workspace" placeholder="workspace: scratch" />
      </div>
      <datalist id={`${uid}-a`}>
        {suggest.assignees.map((a) => <option key={a} value={a} />)}
      </datalist>
      <datalist id={`${uid}-t`}>
        {suggest.tenants.map((t) => <option key={t} value={t} />)}
      </datalist>
      <datalist id={`${uid}-w`}>
        <option value="scratch" />
        <option value="worktree" />
        <option value="dir:/absolute/path" />
      </datalist>
      {/* Enter in any field submits the form; the button is for pointer users. */}
      <div className="mt-1 flex items-center gap-2">
        <span className="text-[10.5px] text-[var(--muted)]">Enter creates · Esc cancels</span>
        <button type="submit" disabled={busy || !title.trim()} className="btn btn-primary ml-auto !py-0 !text-[11px]">
          Create
        </button>
      </div>
      {error && <p role="alert" className="px-1 pt-1 text-[11px] text-[var(--bad)]">{error}</p>}
    </form>
  );
}
