# Shared settings and helpers for the test-cluster scripts. Sourced, never run.
# shellcheck shell=bash

CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$CLUSTER_DIR/../.." && pwd)"
STATE_DIR="${KUBEKNOCK_STATE:-$CLUSTER_DIR/.state}"
CACHE_DIR="${KUBEKNOCK_CACHE:-/var/cache/kubeknock}"
BIN_CACHE="$CACHE_DIR/bin"

# Versions. Kubernetes' version is the one its wrapper module requires; the others are pinned here.
K8S_VERSION="$(awk '$1=="require" && $2=="k8s.io/kubernetes" {print $3}' "$CLUSTER_DIR/build/kubernetes/go.mod")"
ETCD_VERSION="$(awk '$1=="require" && $2=="go.etcd.io/etcd/server/v3" {print $3}' "$CLUSTER_DIR/build/etcd/go.mod" 2>/dev/null || true)"
COREDNS_VERSION="$(awk '$1=="require" && $2=="github.com/coredns/coredns" {print $3}' "$CLUSTER_DIR/build/coredns/go.mod" 2>/dev/null || true)"
KUBE_ROUTER_VERSION="$(awk '$1=="require" && $2 ~ /^github.com\/cloudnativelabs\/kube-router/ {print $3}' "$CLUSTER_DIR/build/kube-router/go.mod" 2>/dev/null || true)"

K8S_BIN="$BIN_CACHE/kubernetes-$K8S_VERSION"
ETCD_BIN="$BIN_CACHE/etcd-$ETCD_VERSION"
COREDNS_BIN="$BIN_CACHE/coredns-$COREDNS_VERSION"
# kube-router is built with the local patches in build/kube-router/patches (see the README): the
# cache key carries their digest, so a changed patch builds it again. KUBE_ROUTER_PATCHES picks a
# subset for investigations (space-separated file names, or "none"), e.g. to tell upstream
# behaviour from a patch's: KUBE_ROUTER_PATCHES=none npm run cluster:up (IPv6 allows then fail, as
# the README says). Unset: every patch.
KUBE_ROUTER_PATCH_FILES=()
if [ -z "${KUBE_ROUTER_PATCHES+set}" ]; then
  for _p in "$CLUSTER_DIR"/build/kube-router/patches/*.patch; do [ -e "$_p" ] && KUBE_ROUTER_PATCH_FILES+=("$_p"); done
elif [ "$KUBE_ROUTER_PATCHES" != none ]; then
  for _p in $KUBE_ROUTER_PATCHES; do KUBE_ROUTER_PATCH_FILES+=("$CLUSTER_DIR/build/kube-router/patches/$_p"); done
fi
unset _p
KUBE_ROUTER_PATCHES_SUM="$( { [ ${#KUBE_ROUTER_PATCH_FILES[@]} -eq 0 ] || cat "${KUBE_ROUTER_PATCH_FILES[@]}" 2>/dev/null; } | sha256sum | cut -c1-8)"
KUBE_ROUTER_BIN="$BIN_CACHE/kube-router-$KUBE_ROUTER_VERSION-p$KUBE_ROUTER_PATCHES_SUM"
# The second enforcer (up.sh --enforcer kube-network-policies): versions pinned in
# build/kube-network-policies/modules.txt, binary keyed by the digest of its local patches like
# kube-router's; the ClusterNetworkPolicy CRDs are kept next to it in the cache.
KNP_MODULE=sigs.k8s.io/kube-network-policies
KNP_VERSION="$(awk -v m="$KNP_MODULE" '$1==m {print $2}' "$CLUSTER_DIR/build/kube-network-policies/modules.txt" 2>/dev/null || true)"
KNP_PATCHES_SUM="$(cat "$CLUSTER_DIR"/build/kube-network-policies/patches/*.patch 2>/dev/null | sha256sum | cut -c1-8)"
KNP_BIN="$BIN_CACHE/kube-network-policies-$KNP_VERSION-p$KNP_PATCHES_SUM"
NPA_MODULE=sigs.k8s.io/network-policy-api
NPA_VERSION="$(awk -v m="$NPA_MODULE" '$1==m {print $2}' "$CLUSTER_DIR/build/kube-network-policies/modules.txt" 2>/dev/null || true)"
NPA_CRDS="$BIN_CACHE/network-policy-api-$NPA_VERSION/crds"
ENFORCERS="kube-router kube-network-policies none" # the first is the default; none: nothing enforces NetworkPolicy (doctor --canary must say so)
KNP_METRICS_PORT=9080 # upstream default; in each node's namespace, on its loopback

# Networks. All of them exist only inside this machine: the pod and Service networks are private
# (IPv4) and unique-local (IPv6) ranges, the stand-in external host lives in documentation ranges.
CLUSTER_CIDR4="10.244.0.0/16"
CLUSTER_CIDR6="fd00:10:244::/56"
SERVICE_CIDR="10.96.0.0/16"
SERVICE_CIDR6="fd00:10:96::/112"
KUBERNETES_SVC_IP="10.96.0.1"
DNS_SVC_IP="10.96.0.10"
DNS_SVC_IP6="fd00:10:96::a"
CLUSTER_DOMAIN="cluster.local"
EXTERNAL_NETNS="kk-external"
EXTERNAL_IP="203.0.113.10"
EXTERNAL_IP6="2001:db8:113::10"
EXTERNAL_DROP_PORT=81 # SYNs to it are dropped (a DROP firewall stand-in)

# Nodes. Each node is a network namespace of its own (like a kind node, without a container), joined
# to the others and to the control plane on this host by the underlay bridge. Node i (1-based) is
# kk-node<i>, pod networks 10.244.<i-1>.0/24 and fd00:10:244:<i>::/64.
UNDERLAY_BRIDGE="kk-under"
UNDERLAY_CIDR4="10.250.0.0/24"
UNDERLAY_CIDR6="fd00:10:250::/64"
CONTROL_PLANE_IP="10.250.0.1"   # the API server as nodes and pods reach it
CONTROL_PLANE_IP6="fd00:10:250::1"
BRIDGE_NAME="kk-br0"            # the pod bridge inside every node namespace
MAX_NODES=3
# The node count of the cluster that is up (written by up.sh), else the requested or default one.
node_count() {
  if [ -n "${KUBEKNOCK_NODES:-}" ]; then echo "$KUBEKNOCK_NODES"
  elif [ -f "$STATE_DIR/nodes" ]; then cat "$STATE_DIR/nodes"
  else echo "$MAX_NODES"; fi
}
node_name() { echo "kk-node$1"; }
node_netns() { echo "kk-node$1"; }
node_ip4() { echo "10.250.0.$((10 + $1))"; }
node_ip6() { echo "fd00:10:250::$((10 + $1))"; }
node_pod_cidr4() { echo "10.244.$(($1 - 1)).0/24"; }
node_pod_gw4() { echo "10.244.$(($1 - 1)).1"; }
node_pod_cidr6() { echo "fd00:10:244:$1::/64"; }
node_pod_gw6() { echo "fd00:10:244:$1::1"; }
node_zone() { if [ $(($1 % 2)) = 1 ]; then echo a; else echo b; fi; }
node_data() { echo "$DATA_DIR/kk-node$1"; }
node_run() { echo "$RUN_DIR/kk-node$1"; }
node_sock() { echo "$RUN_DIR/kk-node$1/containerd/containerd.sock"; }
# in_node <i> <command...>: runs a command in node i's network namespace only. Not `ip netns exec`:
# that also gives the command a mount namespace of its own, and kubelet's volume mounts must be
# seen by containerd and runc.
in_node() { local i="$1"; shift; nsenter --net="/run/netns/$(node_netns "$i")" -- "$@"; }
node_ctr() { local i="$1"; shift; ctr --address "$(node_sock "$i")" -n k8s.io "$@"; }

PHASE="${PHASE:-main}"
# Messages go to fd 9, a copy of the script's stderr made here: a check run with its output silenced
# (wait_for's condition, `>/dev/null 2>&1`) that gives up with die must still be heard. Daemons are
# started with fd 9 closed, so they never hold the caller's terminal or pipe open.
exec 9>&2
log() { printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "$PHASE" "$*" >&9; }
die() { log "ERROR: $*"; exit 1; }
# wait_for <what> <timeout s> <command...>: polls the command (its output silenced) once a second.
wait_for() {
  local what="$1" timeout="$2" start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $((SECONDS - start)) -ge "$timeout" ]; then
      log "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 1
  done
  log "$what: ok after $((SECONDS - start)) s"
}
# check_alive <daemon> <command match>: ends the script, with the daemon's log, when it has exited
# (also from inside a wait_for condition: both messages go to fd 9).
check_alive() {
  is_running "$1" "$2" || { tail -n 30 "$STATE_DIR/logs/$1.log" >&9 || true; die "$1 exited; log: $STATE_DIR/logs/$1.log"; }
}
phase() { PHASE="$1"; log "--- phase: $1"; }

# Go build environment: everything under the cache, so a second build is warm.
go_env() {
  export GOMODCACHE="$CACHE_DIR/go/mod"
  export GOCACHE="$CACHE_DIR/go/build"
  export GOFLAGS="-buildvcs=false -mod=readonly"
  export GOTOOLCHAIN=local
  export CGO_ENABLED=0
  export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
}

# Runtime data outside the repository (kubelet and containerd mounts live there).
DATA_DIR="/var/lib/kubeknock"
RUN_DIR="/run/kubeknock"

# Images built from local files (nothing can be pulled). The busybox image is named after the version
# of the binary test/busybox/build.sh produces, e.g. docker.io/library/busybox:1.35.0.
PAUSE_IMAGE="localhost/kubeknock-pause:1"
COREDNS_IMAGE="localhost/kubeknock/coredns:$COREDNS_VERSION"

# kubectl against the test cluster (its admin kubeconfig under the state directory in use).
K() { "$K8S_BIN/kubectl" --kubeconfig="$STATE_DIR/kubeconfig" "$@"; }

# The running bed as its cluster.env describes it, for the runners that drive it from outside:
# bed_env KEY prints a value; bed_access sets bed_kubeconfig and bed_socks (every node's containerd
# socket), or stops naming what is missing.
bed_env() { sed -n "s/^$1=//p" "$STATE_DIR/cluster.env" | tail -n 1; }
bed_access() {
  local socks
  bed_kubeconfig=$(bed_env KUBECONFIG)
  [ -f "$bed_kubeconfig" ] || die "the kubeconfig of $STATE_DIR/cluster.env ($bed_kubeconfig) does not exist"
  socks=$(bed_env CONTAINERD_SOCKS)
  [ -n "$socks" ] || socks=$(bed_env CONTAINERD_SOCK)
  [ -n "$socks" ] || die "$STATE_DIR/cluster.env names no containerd socket (CONTAINERD_SOCKS or CONTAINERD_SOCK)"
  IFS=, read -r -a bed_socks <<<"$socks"
}

# import_image_on_nodes <image tarball> <image name> <containerd socket>...: every node's containerd
# gets the image, so a pod can start on any of them (nothing is pulled on this bed), and the image is
# checked to be there afterwards. The list is read whole first: `ctr … | grep -q` under pipefail fails
# when grep stops reading early.
import_image_on_nodes() {
  local tar="$1" image="$2" sock listed
  shift 2
  command -v ctr >/dev/null || die "ctr (containerd's client) is not installed"
  for sock in "$@"; do
    ctr --address "$sock" -n k8s.io images import "$tar" >/dev/null || die "importing $image into $sock failed"
    listed=$(ctr --address "$sock" -n k8s.io images ls -q)
    grep -qxF "$image" <<<"$listed" || die "$image is not in $sock after the import"
    log "imported $image into $sock"
  done
}

# ---------------------------------------------------------------------------------------------------
# Daemons. Each has a pid file ($STATE_DIR/pids/<name>.pid) and the command line it was started with
# (<name>.cmd); a live pid whose command matches is left alone.
pid_of() { [ -f "$STATE_DIR/pids/$1.pid" ] && cat "$STATE_DIR/pids/$1.pid"; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
is_running() { # is_running <name> <match>: the recorded pid lives and its command line contains <match>
  local pid cmd
  pid=$(pid_of "$1") || return 1
  alive "$pid" || return 1
  cmd=$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) || return 1
  [[ "$cmd" == *"$2"* ]]
}
# stop_daemons <grace seconds> <name...>: SIGTERM to each recorded pid at once, wait, then SIGKILL.
stop_daemons() {
  local grace="$1" name pid i pids=()
  shift
  for name in "$@"; do
    pid=$(pid_of "$name") || continue
    if alive "$pid"; then
      log "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null
      pids+=("$pid")
    fi
    rm -f "$STATE_DIR/pids/$name.pid" "$STATE_DIR/pids/$name.cmd"
  done
  for ((i = 0; i < grace * 5; i++)); do
    local any=0
    for pid in "${pids[@]}"; do alive "$pid" && any=1; done
    [ "$any" = 0 ] && return 0
    sleep 0.2
  done
  for pid in "${pids[@]}"; do
    alive "$pid" && { log "pid $pid did not stop in ${grace}s; SIGKILL"; kill -KILL "$pid" 2>/dev/null; }
  done
  sleep 0.3
}
stop_daemon() { stop_daemons "${2:-10}" "$1"; } # stop_daemon <name> [grace seconds, default 10]
# running_enforcer <state dir>: prints the enforcer of the cluster whose state is in <state dir> when
# any of its daemons lives, nothing when none does. A cluster from before up.sh recorded its enforcer
# runs kube-router.
running_enforcer() {
  local f
  for f in "$1"/pids/*.pid; do
    [ -e "$f" ] || continue
    # a zombie (killed, not yet reaped) has an empty command line: it does not count
    [ -n "$({ tr -d '\0' <"/proc/$(cat "$f")/cmdline"; } 2>/dev/null)" ] || continue
    cat "$1/enforcer" 2>/dev/null || echo kube-router
    return 0
  done
}
