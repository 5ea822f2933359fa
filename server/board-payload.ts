/**
 * The full board as the page and GET /api/board send it: the kernel's columns plus what the board
 * needs from config.yaml (profile names for assignee suggestions, caps for swimlanes). One
 * function so the server-rendered page and a client reload can never disagree.
 */
import type { Runtime } from "./runtime";
import type { BoardFilter } from "./kernel/board-query";

export function boardPayload(rt: Runtime, filter: BoardFilter) {
  const board = rt.kernel.board(filter);
  return {
    ...board,
    profiles: Object.keys(rt.config.profiles).sort(),
    config: {
      failure_limit: rt.config.dispatch.failure_limit,
      lanes_by_profile: rt.config.board.lanes_by_profile,
      default_tenant: rt.config.board.default_tenant,
      max_in_progress: rt.config.dispatch.max_in_progress,
      // running/cap per swimlane: a profile's own cap, else the per-profile default (null = none)
      profile_caps: Object.fromEntries(
        Object.entries(rt.config.profiles).map(([name, p]) => [name, p.max_in_progress ?? rt.config.dispatch.max_in_progress_per_profile]),
      ) as Record<string, number | null>,
    },
  };
}
