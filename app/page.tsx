import { getRuntime } from "@/server/runtime";
import { boardPayload } from "@/server/board-payload";
import { BoardApp } from "@/components/board/board-app";
import { parseStatusFilter, type BoardData, type BoardFilters } from "@/lib/board-types";

// Reads the live database on every request; never prerendered at build time.
export const dynamic = "force-dynamic";

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

/** Renders the board server-side (no layout shift), then the client keeps it live. */
export default async function HomePage({ searchParams }: { searchParams: Promise<Search> }) {
  const sp = await searchParams;
  const filters: BoardFilters = { q: one(sp.q), tenant: one(sp.tenant), assignee: one(sp.assignee), archived: one(sp.archived) === "1", status: parseStatusFilter(one(sp.status)) };
  const rt = getRuntime();
  const data: BoardData = boardPayload(rt, { tenant: filters.tenant || null, assignee: filters.assignee || null, q: filters.q || null, includeArchived: filters.archived });
  return <BoardApp initial={data} initialFilters={filters} initialTask={one(sp.task) || null} />;
}
