/** Client-side shapes of the board API (type-only imports: nothing server-side is bundled). */
import type { BoardCard, VitalSigns } from "@/server/kernel/board-query";
import type { TaskDetail } from "@/server/kernel/queries";
import type { Task, Status } from "@/server/kernel/types";

export type { BoardCard, VitalSigns, TaskDetail, Task, Status };

export interface BoardColumn {
  status: Status;
  count: number;
  cards: BoardCard[];
}

export interface BoardData {
  columns: BoardColumn[];
  tenants: string[];
  assignees: string[];
  profiles: string[];
  /** From config.yaml; absent only in old payloads. */
  config?: {
    failure_limit: number;
    max_in_progress: number | null;
    /** Per-profile running cap (null = no cap). */
    profile_caps: Record<string, number | null>;
  };
  latest_event_id: number;
  now: number;
}

export interface BoardFilters {
  q: string;
  tenant: string;
  assignee: string;
  archived: boolean;
  /** Columns to show (empty: all). Client-side: the server always sends every column. */
  status: Status[];
}

export const COLUMN_ORDER: Status[] = ["triage", "todo", "scheduled", "ready", "running", "blocked", "review", "done", "archived"];

/** The statuses the status filter offers (archived has its own "Show archived" switch). */
export const FILTERABLE_STATUSES: Status[] = COLUMN_ORDER.filter((s) => s !== "archived");

/** Parses `status=a,b` from a URL into known, filterable statuses. */
export function parseStatusFilter(v: string | null | undefined): Status[] {
  const wanted = new Set((v ?? "").split(",").map((s) => s.trim()));
  return FILTERABLE_STATUSES.filter((s) => wanted.has(s));
}

export const COLUMN_LABELS: Record<string, string> = {
  triage: "Triage",
  todo: "Todo",
  scheduled: "Scheduled",
  ready: "Ready",
  running: "In progress",
  blocked: "Blocked",
  review: "Review",
  done: "Done",
  archived: "Archived",
};

export const columnLabel = (s: string) => COLUMN_LABELS[s] ?? s;
