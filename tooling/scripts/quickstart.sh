#!/usr/bin/env bash
# The main job on built-in defaults: set up the workspace, then run the end-to-end path that
# exists today: the shipped trained models (models/) evaluated and timed on every backend
# against the float model in onnxruntime-web (pnpm bench main). Grows as the apps land.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tooling/scripts/bootstrap.sh
pnpm --filter @pabnn/bench run bench main
