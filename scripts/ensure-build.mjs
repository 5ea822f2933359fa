// Runs before `npm start` (prestart): on a fresh clone there is no production build yet, so
// `npm ci && npm start` must build first. An existing build is reused as is; after changing the
// source, run `npm run build` yourself (or use `npm run dev`).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync(".next/BUILD_ID")) {
  console.log("Fleet Kanban: no production build found, running `next build` once (about 10-30 s)...");
  const r = spawnSync("npm", ["run", "build"], {
    stdio: "inherit",
    env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env },
  });
  if (r.status !== 0) {
    console.error("Fleet Kanban: `next build` failed; see the output above.");
    process.exit(r.status ?? 1);
  }
}
