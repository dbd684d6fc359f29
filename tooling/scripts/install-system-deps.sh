#!/usr/bin/env bash
# System (apt) packages that tests need. Idempotent: installs only what is missing, and
# does nothing at all when everything is present. Add a package here, never in a test.
set -euo pipefail

# libvulkan1 + chromium-common: the Vulkan loader and the SwiftShader driver that Dawn (npm webgpu)
# uses for the WebGPU tests on machines without a GPU.
# dataset-fashion-mnist: the Fashion-MNIST IDX files the training tests and `pnpm bench accuracy` use.
# chromium: the real browser apps/web's end-to-end test drives (playwright-core, /usr/bin/chromium).
REQUIRED_DEBS=(libvulkan1 chromium-common chromium dataset-fashion-mnist)
# --data: only the datasets (what `npm start`, the main job, needs)
if [ "${1:-}" = "--data" ]; then
  REQUIRED_DEBS=(dataset-fashion-mnist)
fi

missing=()
for deb in "${REQUIRED_DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing+=("$deb")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=sudo
  else
    echo "[system-deps] missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi
echo "[system-deps] apt-get install ${missing[*]}"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
