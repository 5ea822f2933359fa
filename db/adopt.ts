/**
 * Schema creation and adoption of existing files (SPEC §3.4), derived from `db/schema.ts`.
 *
 * A fresh file gets every table. A file written by Hermes (its 2026-04 v1 schema or a later one)
 * is adopted in place: missing tables, columns and indexes are added; nothing is dropped,
 * renamed or rewritten, so Hermes can still open the file. Columns Hermes has and we do not
 * (e.g. `spawn_failures`, `goal_mode`) are left alone; their SQL defaults keep our inserts valid.
 */
import type Database from "better-sqlite3";
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { allTables } from "./schema";

function sqlLiteral(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return `'${v.replace(/'/g, "''")}'`;
  throw new Error(`unsupported default ${String(v)}`);
}

function columnDef(col: SQLiteColumn, inlinePk: boolean): string {
  let def = `"${col.name}" ${col.getSQLType().toUpperCase()}`;
  if (inlinePk && col.primary) {
    def += " PRIMARY KEY";
    if ((col as unknown as { autoIncrement?: boolean }).autoIncrement) def += " AUTOINCREMENT";
  }
  if (col.notNull && !col.primary) def += " NOT NULL";
  if (col.hasDefault && col.default !== undefined) def += ` DEFAULT ${sqlLiteral(col.default)}`;
  return def;
}

export function createTableSql(table: SQLiteTable): string {
  const cfg = getTableConfig(table);
  const parts = cfg.columns.map((c) => columnDef(c, true));
  for (const pk of cfg.primaryKeys) parts.push(`PRIMARY KEY (${pk.columns.map((c) => `"${c.name}"`).join(", ")})`);
  return `CREATE TABLE IF NOT EXISTS "${cfg.name}" (\n  ${parts.join(",\n  ")}\n)`;
}

export function indexSql(table: SQLiteTable): string[] {
  const cfg = getTableConfig(table);
  return cfg.indexes.map((i) => {
    const cols = i.config.columns.map((c) => `"${(c as SQLiteColumn).name}"`).join(", ");
    return `CREATE ${i.config.unique ? "UNIQUE " : ""}INDEX IF NOT EXISTS "${i.config.name}" ON "${cfg.name}"(${cols})`;
  });
}

export interface AdoptionPlan {
  statements: string[];
  /** Human-readable summary: "created table x", "added column tasks.position", ... */
  changes: string[];
}

/** Computes what a file lacks. Read-only: safe to call on a file we may still refuse. */
export function planAdoption(db: Database.Database): AdoptionPlan {
  const statements: string[] = [];
  const changes: string[] = [];
  const existing = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((r) => r.name),
  );
  const indexes = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type='index'").all() as { name: string }[]).map((r) => r.name),
  );
  for (const table of allTables) {
    const cfg = getTableConfig(table);
    if (!existing.has(cfg.name)) {
      statements.push(createTableSql(table));
      changes.push(`created table ${cfg.name}`);
    } else {
      const have = new Set(
        (db.prepare(`PRAGMA table_info("${cfg.name}")`).all() as { name: string }[]).map((r) => r.name),
      );
      for (const col of cfg.columns) {
        if (have.has(col.name)) continue;
        statements.push(`ALTER TABLE "${cfg.name}" ADD COLUMN ${columnDef(col, false)}`);
        changes.push(`added column ${cfg.name}.${col.name}`);
      }
    }
    for (const [i, sql] of indexSql(table).entries()) {
      const name = cfg.indexes[i].config.name;
      if (indexes.has(name)) continue;
      statements.push(sql);
      changes.push(`created index ${name}`);
    }
  }
  return { statements, changes };
}
