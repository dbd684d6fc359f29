#!/bin/bash
# usage (on the lent GPU machine, from the project root): bash .gpu/train-on-device.sh <jobs> <time-limit s> <only regexp>
# Trains accuracy runs on the machine's CPU cores (TF.js wasm, one run a core; its 16 cores
# trained 8 ResNet-8 runs at 56-100 images/s each, 4 at 68-112, 2026-12-07), resuming the
# checkpoints carried in .gpu/train-cache/*.ckpt.json.xz, and packs what they leave (run JSONs,
# models, checkpoints xz-compressed, logs) into $OUT/part-* (a call returns at most 8 files of
# 16 MiB). Needs, carried in .gpu (64 MiB with the tree in all): accuracy-job.cjs and
# node_modules (`pnpm --filter @pabnn/bench run gpu-bundle`), node.xz and setup.sh
# (../shared/tools/gpu), and data/<dataset>/ with the IDX files (.xz: decompressed here, or .gz).
# The float runs a selected run starts from must be in models/ and reports/accuracy-runs/.
# Back here: tar -xf part-aa; copy train-cache/*.ckpt.json (xz -d) into .cache/train and resume
# with `pnpm bench accuracy --phase train --only <regexp>`.
set -u
source .gpu/setup.sh >/dev/null 2>&1
nproc
grep -m1 "model name" /proc/cpuinfo
for f in .gpu/data/*/*.xz; do [ -e "$f" ] && xz -d "$f"; done
W=$(mktemp -d)
mkdir -p "$W/accuracy-runs" "$W/models" "$W/train-cache"
cp reports/accuracy-runs/*float*.json "$W/accuracy-runs/"
cp models/*float*.pabnn "$W/models/"
for f in .gpu/train-cache/*.ckpt.json.xz; do
  [ -e "$f" ] && xz -dc "$f" >"$W/train-cache/$(basename "$f" .xz)"
done
OUT=$W node .gpu/accuracy-job.cjs accuracy --device wasm --jobs "$1" --phase train \
  --data-dir .gpu/data --only "$3" --time-limit "$2" >"$W/job.log" 2>&1
echo "job rc=$?"
tail -20 "$W/job.log"
for f in "$W"/train-cache/*.log; do
  echo "$(basename "$f"): $(tr '\r' '\n' <"$f" | grep epoch | tail -1)"
done
(cd "$W" && xz -T0 -6 -f train-cache/*.ckpt.json 2>/dev/null
  tar -cf - job.log accuracy-runs models train-cache | split -b 15M - "$OUT/part-")
ls -la "$OUT"
