/**
 * Where data lives (SPEC §2). Every process (server, CLI, MCP, dispatcher) resolves paths here so
 * they agree on one database file.
 */
import os from "node:os";
import path from "node:path";

export interface KanbanPaths {
  home: string;
  db: string;
  workspaces: string;
  logs: string;
  config: string;
  token: string;
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env, overrides: { db?: string } = {}): KanbanPaths {
  const home = path.resolve(env.KANBAN_HOME || path.join(os.homedir(), ".kanban"));
  return {
    home,
    db: path.resolve(overrides.db || env.KANBAN_DB || path.join(home, "kanban.db")),
    workspaces: path.resolve(env.KANBAN_WORKSPACES_ROOT || path.join(home, "workspaces")),
    logs: path.resolve(env.KANBAN_LOGS || path.join(home, "logs")),
    config: path.join(home, "config.yaml"),
    token: path.join(home, "token"),
  };
}

export function claimTtlSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.KANBAN_CLAIM_TTL_SECONDS;
  if (raw === undefined || raw === "") return 900;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    throw new Error(`KANBAN_CLAIM_TTL_SECONDS must be a positive integer number of seconds, got "${raw}"`);
  }
  return n;
}
