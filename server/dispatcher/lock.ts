/**
 * "Only one dispatcher ticks a DB at a time" (SPEC §6.1): an OS file lock beside the database.
 * Node has no flock(), so the lock is an EXCLUSIVE transaction on a tiny SQLite file
 * `<db>.dispatch-lock`: SQLite takes a POSIX fcntl lock for it, the kernel releases that lock when
 * the holder dies (no stale lock files), and a busy timeout of 0 makes a second dispatcher skip
 * at once instead of waiting.
 */
import Database from "better-sqlite3";

export class DispatchLock {
  private readonly db: Database.Database;
  private held = false;

  constructor(readonly file: string) {
    this.db = new Database(file);
    this.db.pragma("busy_timeout = 0");
  }

  /** True when this process now holds the lock; false when another dispatcher does. */
  tryAcquire(): boolean {
    if (this.held) return true;
    try {
      this.db.exec("BEGIN EXCLUSIVE");
      this.held = true;
      return true;
    } catch (e) {
      const code = (e as { code?: string }).code ?? "";
      if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return false;
      throw e;
    }
  }

  release(): void {
    if (!this.held) return;
    this.db.exec("COMMIT");
    this.held = false;
  }

  close(): void {
    this.release();
    this.db.close();
  }
}

export function lockFileFor(dbFile: string): string {
  return `${dbFile}.dispatch-lock`;
}
