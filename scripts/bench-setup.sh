#!/usr/bin/env bash
# Bench setup (not needed for the tests): the host packages podctl needs, plus Podman for
# the side-by-side runs, then the npm dependencies. As root on Debian/Ubuntu. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# netavark and aardvark-dns by name: Debian's podman takes "netavark | containernetworking-
# plugins", and with the CNI plugins already installed (podctl needs them) apt adds no
# netavark, so Podman would fall back to CNI, which is not its default setup.
if ! command -v podman >/dev/null || [ ! -x /usr/lib/podman/netavark ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq podman netavark aardvark-dns >/dev/null
fi
echo "podman: $(podman --version)"
[ -d node_modules ] || npm ci
