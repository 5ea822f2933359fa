/**
 * The one process-wide database connection.
 *
 * The custom server (server.ts) and Next's route handlers run in the same process but in separate
 * module graphs (Next bundles route code), so a module-level variable would give each graph its own
 * connection. Storing the handle on `globalThis` makes them share one (STACK P7); it also survives
 * dev hot reloads.
 */
import type Database from "better-sqlite3";
import { openKanbanDb } from "../db/open";
import { resolvePaths } from "./paths";

interface DbHandle {
  db: Database.Database;
  path: string;
}

const KEY = Symbol.for("fleet-kanban.db");
type GlobalWithDb = typeof globalThis & { [KEY]?: DbHandle };
const g = globalThis as GlobalWithDb;

/** Opens the database on first use (resolving KANBAN_HOME / KANBAN_DB) and returns the shared handle. */
export function getDbHandle(): DbHandle {
  let h = g[KEY];
  if (!h || !h.db.open) {
    const file = resolvePaths().db;
    h = { db: openKanbanDb(file).db, path: file };
    g[KEY] = h;
  }
  return h;
}

export function getDb(): Database.Database {
  return getDbHandle().db;
}

/** Absolute path of the database file this process uses. */
export function getDbPath(): string {
  return g[KEY]?.path ?? resolvePaths().db;
}

export function closeDb(): void {
  const h = g[KEY];
  g[KEY] = undefined;
  if (h?.db.open) h.db.close();
}
