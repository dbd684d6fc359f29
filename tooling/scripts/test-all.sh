#!/usr/bin/env bash
# The whole test suite, as CI runs it: set up, lint and format check, type check, every
# package's vitest tests. Ends with one summary line 'N passed, N failed'.
set -euo pipefail
cd "$(dirname "$0")/../.."

. tooling/scripts/bootstrap.sh --test

echo "[test] lint + format (biome ci)"
pnpm exec biome ci .

echo "[test] typecheck + vitest in every package"
rm -f packages/*/.vitest-result.json apps/*/.vitest-result.json
status=0
pnpm exec turbo run typecheck test --concurrency=1 --continue || status=$?
node tooling/scripts/summarize-tests.mjs || status=$?
exit $status
