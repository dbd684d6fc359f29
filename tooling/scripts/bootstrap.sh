#!/usr/bin/env bash
# Brings a fresh Debian machine with only Node 20 + npm to a built workspace: the pinned pnpm,
# the workspace's npm packages, (with --test) the system packages the tests need, and a build.
# Idempotent: every step checks before it acts, so running it twice costs seconds.
# Source it (`. tooling/scripts/bootstrap.sh`) so the PATH it sets up reaches the caller.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  # global when allowed (root, or a user-owned npm prefix), else a project-local copy
  if ! npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null 2>&1; then
    echo "[bootstrap] no write access to npm's global prefix: installing pnpm@$PNPM_VERSION into .cache/pnpm"
    npm install --prefix .cache/pnpm --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
    export PATH="$PWD/.cache/pnpm/node_modules/.bin:$PATH"
  fi
  echo "[bootstrap] pnpm $(pnpm --version)"
fi

if [ "${1:-}" = "--test" ]; then
  bash tooling/scripts/install-system-deps.sh
else
  # the main job and the web app's sample images read Fashion-MNIST's test set
  bash tooling/scripts/install-system-deps.sh --data
fi

echo "[bootstrap] pnpm install"
if [ -f pnpm-lock.yaml ]; then
  pnpm install --frozen-lockfile --reporter=append-only >/dev/null
else
  pnpm install --reporter=append-only >/dev/null
fi

echo "[bootstrap] building all packages"
pnpm exec turbo run build --output-logs=errors-only
