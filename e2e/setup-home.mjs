// Resets the e2e server's KANBAN_HOME and writes its config.yaml: one real worker profile (the
// example worker that reads its brief, heartbeats and completes), so the board can be tested
// against a task a real process runs. Only tasks assigned to `e2e-worker` are ever dispatched.
import fs from "node:fs";
import path from "node:path";

const home = path.resolve(".tmp/e2e-home");
fs.rmSync(home, { recursive: true, force: true });
fs.mkdirSync(home, { recursive: true });
const worker = path.resolve("examples/workers/complete.mjs");
fs.writeFileSync(
  path.join(home, "config.yaml"),
  `# written by e2e/setup-home.mjs
profiles:
  e2e-worker:
    command: ["node", ${JSON.stringify(worker)}, "{title}"]
    env:
      WORK_MS: "5000"
    max_in_progress: 1
`,
);
