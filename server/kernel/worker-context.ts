/**
 * The worker brief (SPEC §6.4): a markdown document a worker reads before it starts. Title, body,
 * workspace, prior attempts (newest 10), parent results (done parents' latest summaries and
 * metadata), recent comments (newest 30); every field bounded with a visible truncation marker so
 * one huge comment cannot blow a model's context.
 */
import type { KernelContext } from "./context";
import { taskDetail } from "./queries";

const LIMITS = { body: 8000, summary: 2000, error: 1000, metadata: 2000, comment: 2000, result: 4000 };

export function clip(s: string | null | undefined, n: number): string {
  if (s == null) return "";
  return s.length > n ? `${s.slice(0, n)}\n…[truncated ${s.length - n} characters]` : s;
}

function iso(t: number | null | undefined): string {
  return t == null ? "—" : new Date(t * 1000).toISOString().replace(".000Z", "Z");
}

function json(v: unknown): string {
  return v == null ? "" : typeof v === "string" ? v : JSON.stringify(v);
}

export function workerContext(k: KernelContext, id: string, opts: { workspacePath?: string } = {}): string {
  const d = taskDetail(k, id);
  const t = d.task;
  const out: string[] = [];
  out.push(`# ${t.title}`, "");
  out.push(`- id: ${t.id}`, `- status: ${t.status}`, `- assignee: ${t.assignee ?? "(none)"}`, `- priority: ${t.priority ?? 0}`);
  if (t.tenant) out.push(`- tenant: ${t.tenant}`);
  if (t.skills.length) out.push(`- skills: ${t.skills.join(", ")}`);
  const ws = opts.workspacePath ?? t.workspace_path;
  out.push(`- workspace: ${t.workspace_kind}${ws ? ` (${ws})` : ""}${t.branch_name ? `, branch ${t.branch_name}` : ""}`);
  if (t.max_runtime_seconds) out.push(`- max runtime: ${t.max_runtime_seconds}s`);
  out.push("", "## Body", "", t.body?.trim() ? clip(t.body, LIMITS.body) : "_(no body)_", "");

  const attempts = d.runs.filter((r) => r.ended_at != null).slice(-10).reverse();
  if (attempts.length) {
    out.push(`## Prior attempts (${attempts.length} most recent of ${d.runs.filter((r) => r.ended_at != null).length})`, "");
    for (const r of attempts) {
      out.push(`### Run ${r.id}: ${r.outcome ?? r.status} (${r.profile ?? "no profile"}, ${iso(r.started_at)} → ${iso(r.ended_at)})`);
      if (r.summary) out.push("", `Summary: ${clip(r.summary, LIMITS.summary)}`);
      if (r.error) out.push("", `Error: ${clip(r.error, LIMITS.error)}`);
      if (r.metadata != null) out.push("", `Metadata: \`${clip(json(r.metadata), LIMITS.metadata)}\``);
      out.push("");
    }
  }

  const doneParents = d.parents.filter((p) => p.status === "done" || p.status === "archived");
  if (d.parents.length) {
    out.push("## Parent results", "");
    const runs = k.stmt("SELECT summary, metadata FROM task_runs WHERE task_id = ? AND outcome = 'completed' ORDER BY id DESC LIMIT 1");
    for (const p of d.parents) {
      out.push(`### ${p.id}: ${p.title} (${p.status})`);
      if (doneParents.includes(p)) {
        const r = runs.get(p.id) as { summary: string | null; metadata: string | null } | undefined;
        if (r?.summary) out.push("", clip(r.summary, LIMITS.summary));
        if (r?.metadata) out.push("", `Metadata: \`${clip(r.metadata, LIMITS.metadata)}\``);
        if (p.result) out.push("", `Result: ${clip(p.result, LIMITS.result)}`);
      }
      out.push("");
    }
  }

  const comments = d.comments.slice(-30);
  if (comments.length) {
    out.push(`## Comments (${comments.length} most recent of ${d.comments.length})`, "");
    for (const c of comments) out.push(`- **${c.author}** (${iso(c.created_at)}): ${clip(c.body, LIMITS.comment)}`);
    out.push("");
  }
  out.push(
    "## How to report",
    "",
    "Heartbeat while you work (`kanban heartbeat`), then either `kanban complete --summary \"…\"` when the work is",
    "really finished, or `kanban block \"<reason>\" --kind needs_input|capability|transient|dependency` when it cannot be.",
    "Create follow-up tasks instead of doing unrelated work.",
  );
  return out.join("\n") + "\n";
}
