// Bundles the CLI (server/cli/main.ts and the kernel it uses) into dist/cli/ as plain ESM, so
// `kanban` starts without a TypeScript loader. better-sqlite3 stays external (native addon).
// Runs from `npm ci` (prepare) and from `npm test`; takes ~0.2 s.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
await build({
  absWorkingDir: root,
  entryPoints: { main: "server/cli/main.ts" },
  outdir: "dist/cli",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // drizzle-orm, commander, yaml and zod are plain JS: bundle them so start-up reads one file
  // instead of resolving hundreds of modules. Only the native driver stays external.
  external: ["better-sqlite3"],
  // commander and better-sqlite3's loader are CommonJS: give the ESM bundle a real `require`.
  banner: { js: 'import { createRequire as __kanbanRequire } from "node:module"; const require = __kanbanRequire(import.meta.url);' },
  sourcemap: "linked",
  logLevel: "warning",
});
