import path from "node:path";
import { defineConfig } from "@playwright/test";

// E2E runs against the production server (`npm start`, which needs `npm run build` first; the
// prestart hook builds if no build exists) on its own port and a throw-away KANBAN_HOME.
const PORT = 4787;
const HOME = path.resolve(".tmp/e2e-home");

export default defineConfig({
  testDir: "e2e",
  // One server, one database: tests run one at a time and each creates its own data (STACK P12).
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    // Wide enough that Ready → Blocked/Review drags fit on screen; the board scrolls sideways beyond.
    viewport: { width: 1600, height: 900 },
    launchOptions: {
      // Debian's chromium; Playwright's own browser download is not reachable here (STACK §1).
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage", // Debian's wrapper fails to add this itself (STACK P15)
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    // A fresh home with a config.yaml holding one real worker profile (e2e/setup-home.mjs).
    command: "node e2e/setup-home.mjs && npm start",
    url: `http://127.0.0.1:${PORT}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(PORT),
      HOST: "127.0.0.1",
      // Every data path is pinned under the temp home so a KANBAN_DB etc. set in the caller's
      // shell can never point the tests at a real board.
      KANBAN_HOME: HOME,
      KANBAN_DB: path.join(HOME, "kanban.db"),
      KANBAN_WORKSPACES_ROOT: path.join(HOME, "workspaces"),
      KANBAN_LOGS: path.join(HOME, "logs"),
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
