/**
 * Opening the one SQLite file every process shares (SPEC §3.3, §3.4).
 *
 * - Refuses, without writing a byte, a file that is not SQLite or fails `integrity_check`.
 * - WAL, synchronous=NORMAL, a busy timeout; every write is a short BEGIN IMMEDIATE transaction.
 * - Adopts an existing (Hermes) file in place: adds what is missing, drops nothing.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { KanbanError, isBusyError } from "../server/kernel/errors";
import { planAdoption } from "./adopt";

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

export interface OpenOptions {
  /** Busy timeout in ms for lock waits (default 5000). */
  busyTimeoutMs?: number;
  /**
   * How much to verify an existing file before use: "full" runs `integrity_check` (the default),
   * "quick" runs `quick_check`, "none" trusts the header (for hot CLI paths on a file we adopted).
   * A file that still needs adoption is always fully checked first.
   */
  verify?: "full" | "quick" | "none";
  /** Open read-only (no adoption, no pragmas that write). */
  readonly?: boolean;
  /** Do not create the file (or its folder) when it is missing. */
  mustExist?: boolean;
}

export interface OpenResult {
  db: Database.Database;
  /** What adoption changed in this open (empty when the file was already current). */
  adopted: string[];
  created: boolean;
}

function refuse(file: string, why: string): never {
  throw new KanbanError("db_refused", `refusing to open ${file}: ${why}; the file was left untouched`);
}

/** Checks the 16-byte SQLite header of an existing non-empty file. */
function checkHeader(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (e) {
    refuse(file, `cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    const buf = Buffer.alloc(16);
    const n = fs.readSync(fd, buf, 0, 16, 0);
    if (n < 16 || !buf.equals(SQLITE_MAGIC)) refuse(file, "it is not an SQLite database");
  } finally {
    fs.closeSync(fd);
  }
}

function runCheck(db: Database.Database, file: string, pragma: "integrity_check" | "quick_check"): void {
  let rows: { [k: string]: string }[];
  try {
    rows = db.prepare(`PRAGMA ${pragma}`).all() as { [k: string]: string }[];
  } catch (e) {
    refuse(file, `${pragma} could not run (${(e as Error).message})`);
  }
  const msgs = rows.map((r) => Object.values(r)[0]);
  if (!(msgs.length === 1 && msgs[0] === "ok")) {
    refuse(file, `it fails ${pragma}: ${msgs.slice(0, 3).join("; ")}`);
  }
}

/**
 * Turns WAL on. Changing the journal mode needs an exclusive lock and SQLite does not apply the
 * busy timeout to it, so two processes opening a brand-new file at once would see SQLITE_BUSY
 * at once: retry with a short backoff until another process has switched it, or time runs out.
 */
function switchToWal(db: Database.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      if (db.pragma("journal_mode", { simple: true }) === "wal") return;
      if (db.pragma("journal_mode = WAL", { simple: true }) === "wal") return;
    } catch (e) {
      if (!isBusyError(e) || Date.now() >= deadline) throw e;
    }
    if (Date.now() >= deadline) throw new KanbanError("busy", "could not switch the database to WAL mode: another process holds it");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait); // a short synchronous pause
  }
}

export function openKanbanDb(file: string, opts: OpenOptions = {}): OpenResult {
  const verify = opts.verify ?? "full";
  const exists = fs.existsSync(file) && fs.statSync(file).size > 0;
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) refuse(file, "it is a directory");
  if (!exists && (opts.mustExist || opts.readonly)) {
    throw new KanbanError("not_found", `database ${file} does not exist (run \`kanban init\` first)`);
  }

  if (exists) {
    checkHeader(file);
    // Inspect read-only first so a refused file is never written to (no -wal, no journal change).
    let ro: Database.Database;
    try {
      ro = new Database(file, { readonly: true, fileMustExist: true });
    } catch (e) {
      refuse(file, (e as Error).message);
    }
    try {
      let needsAdoption = false;
      try {
        needsAdoption = planAdoption(ro).statements.length > 0;
      } catch (e) {
        refuse(file, `its schema cannot be read (${(e as Error).message})`);
      }
      if (needsAdoption || verify === "full") runCheck(ro, file, "integrity_check");
      else if (verify === "quick") runCheck(ro, file, "quick_check");
    } finally {
      ro.close();
    }
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }

  const db = new Database(file, { readonly: !!opts.readonly, fileMustExist: exists });
  try {
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    if (opts.readonly) return { db, adopted: [], created: false };
    switchToWal(db, opts.busyTimeoutMs ?? 5000);
    db.pragma("synchronous = NORMAL");
    let adopted: string[] = [];
    // Only a file that lacks something takes the write lock: a plain open never waits on (or
    // fails because of) another process's write. Adoption itself runs in one IMMEDIATE
    // transaction, re-planned inside it, so two processes adopting a file at once do it once.
    if (planAdoption(db).statements.length > 0) {
      db.transaction(() => {
        const plan = planAdoption(db);
        for (const sql of plan.statements) db.exec(sql);
        adopted = plan.changes;
      }).immediate();
    }
    return { db, adopted, created: !exists };
  } catch (e) {
    db.close();
    if (isBusyError(e)) {
      throw new KanbanError("busy", `the database ${file} is busy (another process holds its lock); retry shortly`);
    }
    throw e;
  }
}
