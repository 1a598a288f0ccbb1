#!/usr/bin/env bash
# Installs the host packages podctl drives (as root, Debian/Ubuntu). Safe to re-run.
set -euo pipefail
PACKAGES=(runc crun conmon containernetworking-plugins catatonit golang-github-containernetworking-plugin-dnsname dnsmasq-base podman-compose busybox-static iproute2 util-linux procps kmod docker-registry skopeo umoci zstd openssl)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# overlayfs must be available to mount container root filesystems
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
echo "host packages: ${PACKAGES[*]} installed"
