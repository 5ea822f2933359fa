import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native module: must be required at runtime from node_modules, never bundled (STACK P9).
  serverExternalPackages: ["better-sqlite3"],
  // Dev serves on 127.0.0.1; without this Next blocks its own dev resources (STACK P8).
  allowedDevOrigins: ["127.0.0.1"],
  // The build type-checks only what it ships (tsconfig.next.json); `npm run typecheck` covers
  // tests, benches and e2e specs too.
  typescript: { tsconfigPath: "tsconfig.next.json" },
  turbopack: {
    // Pin the workspace root so a lockfile in a parent folder does not confuse Turbopack (STACK P15).
    root: process.cwd(),
    // server/paths.ts resolves the user's data folder (~/.kanban, KANBAN_HOME) at runtime. The
    // file tracer cannot know that and warns it will trace "the whole project"; that only matters
    // for `output: "standalone"` deploys, which we do not use (the server runs from the checkout).
    ignoreIssue: [{ path: "**/server/paths.ts", title: /Dynamic filesystem access/ }],
  },
};

export default nextConfig;
