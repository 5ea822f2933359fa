/**
 * The per-process runtime the custom server and Next's route handlers share: one kernel (one
 * DB connection), the validated config and the paths. Kept on `globalThis` because the custom
 * server and the bundled route handlers are separate module graphs in one process (STACK P7);
 * it also survives dev hot reloads.
 */
import { resolvePaths, claimTtlSeconds, type KanbanPaths } from "./paths";
import { loadConfig, kernelConfigFrom, type KanbanConfig } from "./config";
import { openKernel, type Kernel } from "./kernel/index";
import type { Dispatcher } from "./dispatcher/dispatcher";

export interface Runtime {
  kernel: Kernel;
  config: KanbanConfig;
  paths: KanbanPaths;
  /** Set by the custom server once the WebSocket hub runs; route handlers nudge it after writes. */
  notify?: () => void;
  /** The in-server dispatcher, when it runs (set by the custom server). */
  dispatcher?: Dispatcher;
}

const KEY = Symbol.for("fleet-kanban.runtime");
type G = typeof globalThis & { [KEY]?: Runtime };
const g = globalThis as G;

/** Opens everything on first use: config first (an invalid file is refused), then the database. */
export function getRuntime(): Runtime {
  let rt = g[KEY];
  if (!rt || !rt.kernel.db.open) {
    const paths = resolvePaths();
    const config = loadConfig(paths.config);
    const kernel = openKernel(paths.db, { config: kernelConfigFrom(config, claimTtlSeconds()) });
    rt = { kernel, config, paths };
    g[KEY] = rt;
  }
  return rt;
}

export function getKernel(): Kernel {
  return getRuntime().kernel;
}

export function closeRuntime(): void {
  const rt = g[KEY];
  g[KEY] = undefined;
  if (rt?.kernel.db.open) rt.kernel.close();
}
