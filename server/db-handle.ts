/**
 * Thin accessors over the shared runtime (server/runtime.ts) for code that only needs the raw
 * connection or its path (health checks, the start-up line).
 */
import type Database from "better-sqlite3";
import { getRuntime, closeRuntime } from "./runtime";
import { resolvePaths } from "./paths";

export function getDbHandle(): { db: Database.Database; path: string } {
  const rt = getRuntime();
  return { db: rt.kernel.db, path: rt.paths.db };
}

export function getDb(): Database.Database {
  return getRuntime().kernel.db;
}

export function getDbPath(): string {
  return resolvePaths().db;
}

export function closeDb(): void {
  closeRuntime();
}
