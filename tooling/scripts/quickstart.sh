#!/usr/bin/env bash
# The main job on built-in defaults: set up the workspace, then run the end-to-end path that
# exists today (quantize every conv of the real ImageNet ResNet-50 with PA, ABC-Net and XNOR
# and report the approximation error). Grows as the apps land.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tooling/scripts/bootstrap.sh
pnpm --filter @pabnn/bench run bench approx
