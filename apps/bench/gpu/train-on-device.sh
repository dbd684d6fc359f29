#!/bin/bash
# usage (on the lent GPU machine, from the project root): bash .gpu/train-on-device.sh <jobs> <time-limit s> <only regexp>
# Trains accuracy runs on the machine's CPU cores (TF.js wasm, one run a core; its 16 cores
# trained 8 ResNet-8 runs at 56-100 images/s each, 4 at 68-112, 2026-12-07), resuming the
# checkpoints carried in .gpu/train-cache/*.ckpt.json.xz, and packs what they leave (run JSONs,
# models, checkpoints xz-compressed, logs) into $OUT/part-* (a call returns at most 8 files of
# 16 MiB). Needs, carried in .gpu (64 MiB with the tree in all): accuracy-job.cjs and
# node_modules (`pnpm --filter @pabnn/bench run gpu-bundle`), node.xz and setup.sh
# (../shared/tools/gpu), and data/<dataset>/ with the IDX files (.xz: decompressed here, or .gz).
# The float runs the selected runs start from must be in models/ and reports/accuracy-runs/.
# Back here: `cat part-* | tar -xf -`, copy train-cache/*.ckpt.json.xz (xz -d) into
# .cache/train and resume with `pnpm bench accuracy --phase train --only <regexp>`.
set -u
shopt -s nullglob
: "${3:?usage: train-on-device.sh <jobs> <time-limit s> <only regexp>}" "${OUT:?OUT is not set}"
source .gpu/setup.sh >/dev/null
nproc
grep -m1 "model name" /proc/cpuinfo
for f in .gpu/data/*/*.xz; do xz -d "$f"; done
W=$(mktemp -d)
mkdir -p "$W/accuracy-runs" "$W/models" "$W/train-cache"
# the float runs (ids '<dataset>/<model>/float...') the selected runs may start from, with
# their own times: only files the runs write are newer than the mark and go back
cp -p reports/accuracy-runs/*__float*.json "$W/accuracy-runs/"
cp -p models/*__float*.pabnn "$W/models/"
touch "$W/mark"
for f in .gpu/train-cache/*.ckpt.json.xz; do xz -dc "$f" >"$W/train-cache/$(basename "$f" .xz)"; done
OUT=$W node .gpu/accuracy-job.cjs accuracy --device wasm --jobs "$1" --phase train \
  --data-dir .gpu/data --only "$3" --time-limit "$2" >"$W/job.log" 2>&1
echo "job rc=$?"
tail -20 "$W/job.log"
for f in "$W"/train-cache/*.log; do
  echo "$(basename "$f"): $(tr '\r' '\n' <"$f" | grep epoch | tail -1)"
done
cd "$W" || exit 1
ckpts=(train-cache/*.ckpt.json)
[ ${#ckpts[@]} -eq 0 ] || xz -T0 -6 -f "${ckpts[@]}" # none: xz would read stdin
find accuracy-runs models -type f -newer mark >written
tar -cf - job.log train-cache -T written | split -b 15M - "$OUT/part-"
parts=$(ls "$OUT"/part-* | wc -l)
[ "$parts" -le 8 ] || echo "warning: $parts parts, a call returns 8 files" >&2
ls -la "$OUT"
