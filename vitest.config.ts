import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Only the unit/integration suite; Playwright specs in e2e/ would fail under vitest (STACK P11).
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn real processes (CLI, servers, workers) and hold native SQLite handles;
    // child processes isolate that better than worker threads.
    pool: "forks",
  },
  // Mirror tsconfig's "@/*" alias so tests can import like the app does.
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)).replace(/\/$/, "") } },
});
