#!/usr/bin/env bash
# Bench setup (not needed for the tests): the host packages podctl needs, plus Podman for
# the side-by-side runs, then the npm dependencies. As root on Debian/Ubuntu. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if ! command -v podman >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq podman >/dev/null
fi
echo "podman: $(podman --version)"
[ -d node_modules ] || npm ci
