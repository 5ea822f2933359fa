#!/usr/bin/env node
// The `kanban` command. The CLI is prebuilt to plain JS (dist/cli) by `npm ci` / `npm run build:cli`.
let main;
try {
  ({ main } = await import("../dist/cli/main.js"));
} catch (e) {
  if (e && e.code === "ERR_MODULE_NOT_FOUND" && String(e.message).includes("dist/cli")) {
    process.stderr.write("kanban: the CLI is not built yet; run `npm run build:cli` in the Fleet Kanban folder\n");
    process.exit(1);
  }
  throw e;
}
process.exitCode = await main(process.argv);
