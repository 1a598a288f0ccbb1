#!/usr/bin/env bash
# One command on a fresh Debian/Ubuntu host, as root: install everything, build, run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then echo "quickstart: run as root (podctl drives runc, overlayfs and CNI)" >&2; exit 1; fi
if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "quickstart: Node.js >= 20.19 is required (node --version: $(node --version 2>/dev/null || echo none))" >&2; exit 1
fi
bash scripts/install-deps.sh
npm ci --no-audit --no-fund
bash scripts/demo.sh
