#!/usr/bin/env bash
# The whole suite (`npm test`): typecheck, unit/integration (vitest), build, e2e (Playwright).
# Every step runs even when an earlier one fails, so the closing summary covers everything;
# its line `total: N passed, N failed, N skipped` is the LAST line printed.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
mkdir -p .tmp
rm -f .tmp/vitest.json .tmp/playwright.json

FAILED_STEPS=""
# step NAME CMD...: runs CMD, records its exit code in $rc, never aborts the script.
step() {
  local name=$1 s=$SECONDS
  shift
  rc=0
  "$@" || rc=$?
  echo "[test] $name: exit $rc in $((SECONDS - s))s"
  [ "$rc" -eq 0 ] || FAILED_STEPS="${FAILED_STEPS:+$FAILED_STEPS,}$name"
  return 0
}

step typecheck npm run typecheck
# The production build comes first: API/WebSocket integration tests (vitest) and e2e
# (Playwright) both run the real server on it. A failed build fails those steps too.
step build npm run build
step vitest npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json
VITEST_RC=$rc
PLAYWRIGHT_JSON_OUTPUT_NAME=.tmp/playwright.json step playwright npx playwright test --reporter=line,json
PLAYWRIGHT_RC=$rc

# The test runners are accounted for through their reports; pass only the other failed steps.
others=$(tr ',' '\n' <<<"$FAILED_STEPS" | grep -vxE 'vitest|playwright' | paste -sd, - || true)
summary_rc=0
FAILED_STEPS="$others" VITEST_RC=$VITEST_RC PLAYWRIGHT_RC=$PLAYWRIGHT_RC node .ci/summary.mjs || summary_rc=$?
# Any failed step already counts in the summary, so its exit code is the suite's.
exit "$summary_rc"
