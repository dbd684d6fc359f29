#!/bin/sh
# usage: one-gpu.sh <slot> <command...>
# Runs the command so that it sees one NVIDIA GPU only, GPU (slot mod number of GPUs): Dawn
# names every H200 alike, so on a machine with several a process cannot pick one by name. As
# in a container, the process gets its own /dev (a mount namespace) holding every device node
# except the other GPUs' /dev/nvidiaN. Needs root and util-linux `unshare`; with one GPU, or
# without either, it runs the command unchanged.
slot=$1
shift
gpus=$(ls /dev/nvidia[0-9]* 2>/dev/null | wc -l)
if [ "$gpus" -le 1 ] || [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
  exec "$@"
fi
gpu=$((slot % gpus))
dev=/tmp/one-gpu-dev-$gpu
if [ ! -e "$dev/.ready" ]; then
  mkdir -p "$dev"
  # device nodes and links only: /dev/shm and /dev/pts are mounts, bound again below
  for f in /dev/*; do
    case "$f" in /dev/shm | /dev/pts) mkdir -p "$dev/${f#/dev/}" ;; /dev/nvidia[0-9]*) ;; *) cp -a "$f" "$dev/" 2>/dev/null ;; esac
  done
  cp -a "/dev/nvidia$gpu" "$dev/"
  touch "$dev/.ready"
fi
# in the new namespace: /dev/shm and /dev/pts carried over, then the reduced /dev on top
exec unshare -m sh -c '
  mount --bind /dev/shm "$0/shm" && mount --bind /dev/pts "$0/pts" && mount --rbind "$0" /dev || exit 70
  exec "$@"' "$dev" "$@"
