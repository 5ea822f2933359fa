/**
 * Worker logs `<logs>/<task_id>.log` (SPEC §6.2): stdout and stderr appended, rotated by size
 * into `.1` … `.<backups>`. Rotation copies then truncates, because a running worker keeps its
 * O_APPEND descriptor and simply continues at the new end of the file.
 */
import fs from "node:fs";
import path from "node:path";

export function logFile(logsDir: string, taskId: string): string {
  return path.join(logsDir, `${taskId}.log`);
}

export function rotateIfLarge(file: string, rotateBytes: number, backups: number): boolean {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return false;
  }
  if (size <= rotateBytes) return false;
  if (backups <= 0) {
    fs.truncateSync(file, 0);
    return true;
  }
  for (let i = backups - 1; i >= 1; i--) {
    if (fs.existsSync(`${file}.${i}`)) fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`);
  }
  fs.copyFileSync(file, `${file}.1`);
  fs.truncateSync(file, 0);
  return true;
}

/** Opens the task's log for appending (creating the folder), rotating it first if it is large. */
export function openLog(logsDir: string, taskId: string, rotateBytes: number, backups: number): number {
  fs.mkdirSync(logsDir, { recursive: true });
  const file = logFile(logsDir, taskId);
  rotateIfLarge(file, rotateBytes, backups);
  return fs.openSync(file, "a", 0o644);
}
