// Prints the one closing line CI reads: `total: N passed, N failed, N skipped` (STACK P16).
// Sums the vitest and Playwright JSON reports. So that the line never looks greener than the run:
// - a missing or unreadable report counts as 1 failure (the runner crashed before writing it);
// - a runner that exited non-zero although its report shows no failed test (no test files, a
//   suite that failed to load, the e2e web server not starting) counts as 1 failure;
// - each non-test step that failed (named in FAILED_STEPS, e.g. typecheck, build) counts as 1.
// Exits 1 if anything failed or nothing passed.
import { readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
const note = (msg) => console.error(`summary: ${msg}; counted as 1 failure`);

function runner(name, file, rcVar, count) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    note(`${name} report ${file} missing or unreadable (${e.code ?? e.message})`);
    failed += 1;
    return;
  }
  const c = count(report);
  passed += c.passed;
  failed += c.failed;
  skipped += c.skipped;
  const rc = process.env[rcVar];
  if (rc && rc !== "0" && c.failed === 0) {
    note(`${name} exited ${rc} but reported no failed test`);
    failed += 1;
  }
}

runner("vitest", ".tmp/vitest.json", "VITEST_RC", (v) => ({
  passed: v.numPassedTests ?? 0,
  failed: v.numFailedTests ?? 0,
  skipped: (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0),
}));

runner("playwright", ".tmp/playwright.json", "PLAYWRIGHT_RC", (p) => ({
  passed: (p.stats?.expected ?? 0) + (p.stats?.flaky ?? 0),
  failed: p.stats?.unexpected ?? 0,
  skipped: p.stats?.skipped ?? 0,
}));

for (const step of (process.env.FAILED_STEPS ?? "").split(",").filter(Boolean)) {
  note(`step '${step}' failed`);
  failed += 1;
}

console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
