#!/usr/bin/env bash
# The main job, end to end on real runc, overlayfs and CNI: build pods, containers with
# dependencies and two networks, then remove everything with `pod rm -fa` / `rm -fa` and
# show that nothing leaked. Runs in temp dirs; cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/podctl.mjs ] || npm run build >/dev/null
DEMO=$(mktemp -d /tmp/podctl-demo.XXXXXX)
GLOBALS=(--root "$DEMO/root" --runroot "$DEMO/run" --cni-config-dir "$DEMO/cni" --cni-cache-dir "$DEMO/cache")
podctl () { node dist/podctl.mjs "${GLOBALS[@]}" "$@"; }
say () { printf '\n\033[1m$ podctl %s\033[0m\n' "$*"; }
show () { say "$@"; podctl "$@"; }
# Waits for the given background jobs only (a bare `wait` would also wait for the registry,
# which never exits) and fails when any of them failed.
wait_for () { local rc=0; for pid in "$@"; do wait "$pid" || rc=$?; done; return "$rc"; }
had_bridge=0; [ -e /sys/class/net/podctl0 ] && had_bridge=1

REGISTRY_PID=
# podctl's PODCTL-… NAT chains whose POSTROUTING jump names a conflist under $DEMO, in one
# iptables-restore transaction.
remove_nat_chains () {
  local rules
  rules=$(iptables -t nat -S 2>/dev/null | awk -v f=" file $DEMO/" '
    /^-A POSTROUTING / && index($0, f) && $NF ~ /^PODCTL-[0-9a-f]+$/ { print "-D" substr($0, 3); chains[$NF] = 1 }
    END { for (c in chains) { print "-F " c; print "-X " c } }') || return 0
  [ -n "$rules" ] || return 0
  printf '*nat\n%s\nCOMMIT\n' "$rules" | iptables-restore --noflush || true
}
cleanup () {
  [ -z "$REGISTRY_PID" ] || kill "$REGISTRY_PID" 2>/dev/null || true
  podctl pod rm -fa -t 0 >/dev/null 2>&1 || true
  podctl rm -fa -t 0 >/dev/null 2>&1 || true
  podctl network rm -f demo-net >/dev/null 2>&1 || true
  # The default network cannot be removed (as in Podman): its per-network NAT chain, whose
  # jump names the demo's conflist, goes here with the demo's dirs.
  remove_nat_chains
  [ "$had_bridge" = 1 ] || ip link del podctl0 2>/dev/null || true
  grep -q " $DEMO" /proc/self/mountinfo && awk -v d="$DEMO" '$5 ~ "^"d {print $5}' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l
  rm -rf "$DEMO"
}
trap cleanup EXIT

echo "podctl demo in $DEMO"
mkdir -p "$DEMO/rootfs/bin"
cp /bin/busybox "$DEMO/rootfs/bin/busybox"
for a in sh sleep echo cat true ls; do ln -s busybox "$DEMO/rootfs/bin/$a"; done
if command -v docker-registry >/dev/null && command -v umoci >/dev/null && command -v skopeo >/dev/null; then
  # A real local registry on 127.0.0.1 with an image built by umoci, pulled like any other.
  PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' "$DEMO/registry" "$PORT" > "$DEMO/registry.yml"
  docker-registry serve "$DEMO/registry.yml" & REGISTRY_PID=$!
  until node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "http://127.0.0.1:$PORT/v2/"; do sleep 0.1; done
  umoci init --layout "$DEMO/oci" && umoci new --image "$DEMO/oci:latest"
  umoci unpack --image "$DEMO/oci:latest" "$DEMO/bundle" >/dev/null && cp -a "$DEMO/rootfs/." "$DEMO/bundle/rootfs/"
  umoci repack --image "$DEMO/oci:latest" "$DEMO/bundle" && umoci config --image "$DEMO/oci:latest" --config.cmd sh
  skopeo copy -q "oci:$DEMO/oci:latest" "docker://127.0.0.1:$PORT/busybox:latest" --dest-tls-verify=false
  show pull --tls-verify=false "127.0.0.1:$PORT/busybox:latest"
  show tag "127.0.0.1:$PORT/busybox:latest" busybox
  show images
else
  show image import "$DEMO/rootfs" busybox
fi
show network create demo-net

say "pod create ×5, 4 members each (busybox sleep: its PID 1 ignores SIGTERM)"
for p in 1 2 3 4 5; do
  podctl pod create --name "pod$p" >/dev/null
  pids=()
  for m in 1 2 3 4; do podctl run -d --pod "pod$p" --name "pod$p-m$m" busybox sleep 1000 >/dev/null & pids+=($!); done
  wait_for "${pids[@]}"
done
say "a base container on two networks, three joining its netns, one requiring it"
podctl run -d --name base --network demo-net,podctl busybox sleep 1000 >/dev/null
for i in 1 2 3; do podctl run -d --name "side$i" --network container:base busybox sleep 1000 >/dev/null; done
podctl run -d --name app --requires base --network demo-net busybox sleep 1000 >/dev/null
say "8 standalone containers"
pids=()
for i in $(seq 1 8); do podctl run -d --name "solo$i" busybox sleep 1000 >/dev/null & pids+=($!); done
wait_for "${pids[@]}"

show pod ps
show ps

show rm -f --depend base --dry-run

say "pod rm -fa   (default 10 s stop timeout: the fast-stop rule makes it irrelevant)"
start=$(date +%s.%N); podctl pod rm -fa; end=$(date +%s.%N)
echo "removed 5 pods (25 containers) in $(node -p "($end-$start).toFixed(2)") s"
say "rm -fa"
start=$(date +%s.%N); podctl rm -fa; end=$(date +%s.%N)
echo "removed the rest in $(node -p "($end-$start).toFixed(2)") s"

show ps -a
show system check
echo
echo "leftovers: mounts=$(grep -c " $DEMO" /proc/self/mountinfo || true) netns=$(ls "$DEMO/run/netns" 2>/dev/null | wc -l) ipam=$(find "$DEMO/cache/networks" -type f -name '[0-9]*.[0-9]*' ! -name 'last_reserved*' 2>/dev/null | wc -l)"
