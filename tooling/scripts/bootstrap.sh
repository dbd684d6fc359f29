#!/usr/bin/env bash
# Brings a fresh Debian machine with only Node 20 + npm to a built workspace:
# the pinned pnpm, the workspace's npm packages, the system packages tests need, and a build.
# Idempotent: every step checks before it acts, so running it twice costs seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "[bootstrap] installing pnpm@$PNPM_VERSION"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
fi

bash tooling/scripts/install-system-deps.sh

echo "[bootstrap] pnpm install"
if [ -f pnpm-lock.yaml ]; then
  pnpm install --frozen-lockfile --reporter=append-only >/dev/null
else
  pnpm install --reporter=append-only >/dev/null
fi

echo "[bootstrap] building all packages"
pnpm exec turbo run build --output-logs=errors-only
