import { getDb, getDbPath } from "@/server/db-handle";

// Reads the live database on every request; never prerendered at build time.
export const dynamic = "force-dynamic";

// Column order of the board (SPEC §4, §11).
const STATUSES = ["triage", "todo", "scheduled", "ready", "running", "blocked", "review", "done", "archived"];

export default function HomePage() {
  // Placeholder read until the kernel's board query exists (then: no SQL here).
  const rows = getDb().prepare("SELECT status, COUNT(*) AS n FROM tasks GROUP BY status").all() as {
    status: string;
    n: number;
  }[];
  const counts = new Map(rows.map((r) => [r.status, r.n]));
  // Statuses we do not know (e.g. from a Hermes file) are still shown, after the known ones.
  const statuses = [...STATUSES, ...rows.map((r) => r.status).filter((s) => !STATUSES.includes(s))];
  const total = rows.reduce((sum, r) => sum + r.n, 0);

  return (
    <main className="mx-auto max-w-3xl px-6 py-12">
      <h1 className="text-3xl font-semibold tracking-tight">Fleet Kanban</h1>
      <p className="mt-2 text-neutral-600">
        Database: <code className="rounded bg-neutral-200 px-1.5 py-0.5 text-sm">{getDbPath()}</code>
      </p>

      <section className="mt-8" aria-labelledby="counts-heading">
        <h2 id="counts-heading" className="text-lg font-medium">
          Tasks: <span data-testid="task-total">{total}</span>
        </h2>
        <ul className="mt-3 grid grid-cols-3 gap-2 sm:grid-cols-5">
          {statuses.map((s) => (
            <li key={s} className="rounded-md border border-neutral-200 bg-white px-3 py-2" data-status={s}>
              <div className="text-xs uppercase tracking-wide text-neutral-500">{s}</div>
              <div className="text-xl font-semibold tabular-nums">{counts.get(s) ?? 0}</div>
            </li>
          ))}
        </ul>
      </section>

      <p className="mt-10 text-sm text-neutral-500">
        The board UI is coming. Meanwhile the API is at <code>/api/health</code> and live updates at{" "}
        <code>/ws</code>.
      </p>
    </main>
  );
}
