/**
 * Dispatcher telemetry shared across processes: the last tick and the "dispatcher stuck" warning
 * (SPEC §6.1) live in `<db>.dispatcher.json`, so `kanban stats`, `/api/health` and the board can
 * show it whichever process ticks.
 */
import fs from "node:fs";

export interface DispatcherStatus {
  pid: number;
  host: string;
  last_tick_at: number;
  ticks: number;
  /** Ticks in a row that had a spawnable ready task and spawned nothing. */
  idle_with_work_ticks: number;
  stuck: boolean;
  stuck_reason: string | null;
  last_warning_at: number | null;
  last_spawn_at: number | null;
}

export function statusFileFor(dbFile: string): string {
  return `${dbFile}.dispatcher.json`;
}

export function readStatus(dbFile: string): DispatcherStatus | null {
  try {
    const v = JSON.parse(fs.readFileSync(statusFileFor(dbFile), "utf8"));
    return v && typeof v === "object" ? (v as DispatcherStatus) : null;
  } catch {
    return null;
  }
}

export function writeStatus(dbFile: string, s: DispatcherStatus): void {
  const file = statusFileFor(dbFile);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(s));
    fs.renameSync(tmp, file);
  } catch {
    /* telemetry only: never fail a tick over it */
  }
}
