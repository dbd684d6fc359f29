#!/bin/sh
# usage: one-gpu.sh <slot> <command...>
# Runs the command so that it sees one NVIDIA GPU only, GPU (slot mod number of GPUs): Dawn
# names every H200 alike, so on a machine with several a process cannot pick one by name. As
# in a container, the process gets its own /dev (a mount namespace) holding every device node
# except the other GPUs' /dev/nvidiaN, and runs as an unprivileged user (uid 65534) without
# new privileges: as root, NVIDIA's user-space driver re-creates missing /dev/nvidiaN nodes
# (seen on a 4 x H200 machine: with the namespace alone, nvidia-smi inside it listed all four
# and every process ran on GPU 0). Files the command writes must be writable by that user
# (chmod -R a+rwX the output folders first). Needs root, util-linux `unshare` and `setpriv`;
# with one GPU, or without them, it runs the command unchanged. PABNN_ONE_GPU_CHECK=1 prints
# what `nvidia-smi -L` sees inside, so a run can check the isolation before it starts work.
# (The unprivileged step was added after that run and has not yet run on a several-GPU
# machine: check with PABNN_ONE_GPU_CHECK=1 before a long job.)
slot=$1
shift
gpus=$(ls /dev/nvidia[0-9]* 2>/dev/null | wc -l)
if [ "$gpus" -le 1 ] || [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || ! command -v setpriv >/dev/null; then
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
# in the new namespace: /dev/shm and /dev/pts carried over, then the reduced /dev on top, then
# the command as uid 65534 (no CAP_MKNOD, and no setuid nvidia-modprobe to make nodes for it)
exec unshare -m sh -c '
  mount --bind /dev/shm "$0/shm" && mount --bind /dev/pts "$0/pts" && mount --rbind "$0" /dev || exit 70
  drop="setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs"
  if [ -n "$PABNN_ONE_GPU_CHECK" ] && command -v nvidia-smi >/dev/null; then
    echo "one-gpu.sh: $($drop nvidia-smi -L 2>&1 | grep -c "^GPU ") GPU(s) visible in $0" >&2
  fi
  exec $drop "$@"' "$dev" "$@"
