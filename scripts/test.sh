#!/usr/bin/env bash
# The README's test command (`pnpm test`): build, lint, typecheck, package checks (publint, attw),
# every vitest project, then the PyTorch reference suite. Ends with `tests: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

t0=$SECONDS
pnpm exec turbo run build lint typecheck publint attw --output-logs=errors-only || exit 1
# the root test projects and scripts are outside turbo's packages: check them here
pnpm exec tsc --noEmit -p tests/tsconfig.json && pnpm exec eslint tests scripts || exit 1
echo "build+lint+typecheck+publint+attw: $((SECONDS - t0))s"

t0=$SECONDS
mkdir -p .ci
pnpm exec vitest run --reporter=default --reporter=json --outputFile=.ci/vitest.json
vitest_rc=$?
echo "vitest: $((SECONDS - t0))s"

conformance_rc=0
if [ -f apps/conformance/package.json ]; then
  t0=$SECONDS
  # the whole reference suite on every backend
  for backend in js wasm; do
    echo "conformance --backend $backend:"
    node apps/conformance/dist/cli.js --backend "$backend" || conformance_rc=$?
  done
  echo "conformance: $((SECONDS - t0))s"
fi

if [ -f .ci/vitest.json ]; then
  node -e 'const r=JSON.parse(require("fs").readFileSync(".ci/vitest.json","utf8")); console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)'
else
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
[ "$vitest_rc" -eq 0 ] && [ "$conformance_rc" -eq 0 ]
