#!/usr/bin/env bash
# Brings up the test cluster on this machine (as root): one control plane on the host and three
# dual-stack nodes, each a network namespace with its own containerd, kubelet, kube-proxy and
# NetworkPolicy enforcer. Idempotent: a second run checks every part, starts only what is missing and
# waits for readiness again.
#   bash test/cluster/up.sh [--nodes N] [--enforcer E]   (npm run cluster:up; N is 1-3, default 3)
# E is kube-router (default: its firewall, denials REJECTed) or kube-network-policies (NetworkPolicy
# and ClusterNetworkPolicy, denials DROPped); one enforcer at a time, never both: a cluster up with the
# other one must be taken down first. Without --enforcer, a running cluster keeps its enforcer.
# Ends only when every node is Ready, CoreDNS answers on both families and the enforcer runs on every
# node. Prints the path of the kubeconfig as the last line of stdout; everything else is logged to
# stderr.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$CLUSTER_DIR/node.sh"

UP_START=$SECONDS
[ "$(id -u)" = 0 ] || die "must run as root (it starts kubelet, containerd and changes iptables)"
NODES="${KUBEKNOCK_NODES:-$MAX_NODES}"
ENFORCER="${KUBEKNOCK_ENFORCER:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) NODES="${2:-}"; shift 2 ;;
    --nodes=*) NODES="${1#--nodes=}"; shift ;;
    --enforcer) [ -n "${2:-}" ] || die "--enforcer needs a value: ${ENFORCERS// /, }"; ENFORCER="$2"; shift 2 ;;
    --enforcer=*) ENFORCER="${1#--enforcer=}"; [ -n "$ENFORCER" ] || die "--enforcer needs a value: ${ENFORCERS// /, }"; shift ;;
    *) die "unknown argument $1 (usage: up.sh [--nodes 1|2|3] [--enforcer kube-router|kube-network-policies|none])" ;;
  esac
done
[[ "$NODES" =~ ^[1-9]$ ]] && [ "$NODES" -le "$MAX_NODES" ] || die "--nodes must be 1 to $MAX_NODES, not '$NODES'"
# Never two firewalls on one bed (their denials would add up): a cluster that is up with the other
# enforcer is refused here, before anything changes, whichever checkout set it up. Without --enforcer
# (and KUBEKNOCK_ENFORCER) the running cluster's enforcer is kept (smoke.sh, CI and a second `up` work
# on either profile), else it is kube-router.
enforcer_state="$STATE_DIR"
if [ -f "$DATA_DIR/owner" ] && [ -d "$(cat "$DATA_DIR/owner")" ]; then enforcer_state=$(cat "$DATA_DIR/owner"); fi
running=$(running_enforcer "$enforcer_state")
if [ -z "$ENFORCER" ]; then ENFORCER="${running:-kube-router}"; fi
[[ " $ENFORCERS " == *" $ENFORCER "* ]] || die "--enforcer must be one of: ${ENFORCERS// /, } (not '$ENFORCER')"
[ -z "$running" ] || [ "$running" = "$ENFORCER" ] ||
  die "the cluster on this machine ($enforcer_state) runs the $running enforcer, $ENFORCER asked: take it down first (npm run cluster:down), then run up again"

# ---------------------------------------------------------------------------------------------------
phase packages
need_pkgs=(containerd runc containernetworking-plugins iptables ipset conntrack openssl iproute2
  util-linux procps psmisc time curl ca-certificates gcc libc6-dev kmod)
# kube-network-policies programs nftables itself (netlink); nft is for up.sh's check of its table.
if [ "$ENFORCER" = kube-network-policies ]; then need_pkgs+=(nftables); fi
missing=()
for p in "${need_pkgs[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$st" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
else
  log "all Debian packages present"
fi
# (Debian's containerd package would start a containerd under systemd; there is no systemd here, and
# ours has its own root, state and socket under $DATA_DIR and $RUN_DIR anyway.)

# ---------------------------------------------------------------------------------------------------
phase build
bash "$CLUSTER_DIR/build.sh"
for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
  [ -x "$K8S_BIN/$b" ] || die "missing $K8S_BIN/$b"
done
if [ "$ENFORCER" = kube-network-policies ]; then
  bash "$CLUSTER_DIR/build.sh" kube-network-policies
  [ -x "$KNP_BIN/kube-network-policies" ] || die "missing $KNP_BIN/kube-network-policies"
  for ch in standard experimental; do [ -f "$NPA_CRDS/$ch.yaml" ] || die "missing $NPA_CRDS/$ch.yaml"; done
fi

phase images-build
busybox_bin=$(bash "$REPO_DIR/test/busybox/build.sh" | tail -n 1)
[ -x "$busybox_bin" ] || die "test/busybox/build.sh did not give a binary"
BUSYBOX_VERSION=$("$busybox_bin" 2>&1 | sed -n '1s/^BusyBox v\([0-9.]*\).*/\1/p')
[ -n "$BUSYBOX_VERSION" ] || die "cannot read the BusyBox version of $busybox_bin"
BUSYBOX_IMAGE="docker.io/library/busybox:$BUSYBOX_VERSION"
IMG_CACHE="$CACHE_DIR/images"
mkdir -p "$IMG_CACHE"

# image_tar <name> <ref> <entrypoint json> <cmd json> <fill> <input file...>: the cached docker-save
# tarball of <ref>, whose root filesystem the function <fill> writes into the directory it is given.
# Keyed by the content of the inputs and of make-image.sh, so a changed input builds it again.
image_tar() {
  local name="$1" ref="$2" entrypoint="$3" cmd="$4" fill="$5" sum tar t
  shift 5
  sum=$(cat "$@" "$CLUSTER_DIR/images/make-image.sh" | sha256sum | cut -c1-12)
  tar="$IMG_CACHE/$name-$sum.tar"
  if [ ! -f "$tar" ]; then
    log "building $ref"
    t=$(mktemp -d)
    mkdir -p "$t/rootfs"
    # (errexit does not reach into a command substitution: each step says when it fails)
    "$fill" "$t/rootfs" || die "filling the root filesystem of $ref failed"
    bash "$CLUSTER_DIR/images/make-image.sh" "$ref" "$t/rootfs" "$tar" "$entrypoint" "$cmd" || die "packing $ref failed"
    rm -rf "$t"
  fi
  echo "$tar"
}

fill_pause() {
  gcc -static -O2 -o "$1/pause" "$CLUSTER_DIR/images/pause.c"
  strip "$1/pause" 2>/dev/null || true
}
# Like the official busybox image: every applet a hard link to /bin/busybox, root and nobody users.
fill_busybox() {
  local r="$1" applet
  mkdir -p "$r/bin" "$r/etc" "$r/root" "$r/home" "$r/tmp" "$r/var/www" "$r/usr/bin" "$r/usr/sbin"
  chmod 1777 "$r/tmp"
  chmod 700 "$r/root"
  install -m 0755 "$busybox_bin" "$r/bin/busybox"
  for applet in $("$busybox_bin" --list); do
    [ "$applet" = busybox ] || ln -f "$r/bin/busybox" "$r/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$r/etc/group"
}
fill_coredns() {
  mkdir -p "$1/etc"
  install -m 0755 "$COREDNS_BIN/coredns" "$1/coredns"
  printf 'root:x:0:0:root:/root:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$1/etc/passwd"
}
PAUSE_TAR=$(image_tar kubeknock-pause-1 "$PAUSE_IMAGE" '["/pause"]' 'null' fill_pause "$CLUSTER_DIR/images/pause.c")
BUSYBOX_TAR=$(image_tar "busybox-$BUSYBOX_VERSION" "$BUSYBOX_IMAGE" 'null' '["sh"]' fill_busybox "$busybox_bin")
COREDNS_TAR=$(image_tar "coredns-$COREDNS_VERSION" "$COREDNS_IMAGE" '["/coredns"]' 'null' fill_coredns "$COREDNS_BIN/coredns")

# ---------------------------------------------------------------------------------------------------
phase host
# One cluster per machine. If another checkout's cluster is here, or leftovers of one whose processes
# were ended from outside (e.g. a CI run after a session), clear them first so that up converges.
owner=""
[ -f "$DATA_DIR/owner" ] && owner=$(cat "$DATA_DIR/owner")
live=0
for f in "$STATE_DIR"/pids/*.pid; do
  # a zombie (killed, not yet reaped) has an empty command line: it does not count
  [ -e "$f" ] && [ -n "$({ tr -d '\0' <"/proc/$(cat "$f")/cmdline"; } 2>/dev/null)" ] && live=1
done
netns_now=$(ip netns list 2>/dev/null | awk '{print $1}')
if [ -n "$owner" ] && [ "$owner" != "$STATE_DIR" ]; then
  log "a cluster set up from $owner is on this machine: taking it down first"
  if [ -d "$owner" ]; then KUBEKNOCK_STATE="$owner" bash "$CLUSTER_DIR/down.sh"; else bash "$CLUSTER_DIR/down.sh"; fi
elif [ "$live" = 0 ] && { [ -e "$DATA_DIR" ] || [ -e "$RUN_DIR" ] || ip link show "$UNDERLAY_BRIDGE" >/dev/null 2>&1 ||
  grep -qxE "$EXTERNAL_NETNS|kk-node[0-9]+" <<<"$netns_now"; }; then
  log "leftovers of an earlier cluster whose processes are gone: cleaning them up first"
  bash "$CLUSTER_DIR/down.sh"
elif [ -f "$STATE_DIR/nodes" ] && [ "$(cat "$STATE_DIR/nodes")" != "$NODES" ]; then
  log "the cluster here has $(cat "$STATE_DIR/nodes") node(s), $NODES asked: taking it down first"
  bash "$CLUSTER_DIR/down.sh"
fi
mkdir -p "$STATE_DIR"/{pids,logs,pki,config} "$DATA_DIR" "$RUN_DIR"
echo "$STATE_DIR" >"$DATA_DIR/owner"
echo "$NODES" >"$STATE_DIR/nodes"
echo "$ENFORCER" >"$STATE_DIR/enforcer"
log "$NODES node(s): $(for ((i = 1; i <= NODES; i++)); do printf '%s ' "$(node_name "$i")"; done)"

# Remember everything we change on the host so that down.sh can put it back.
save_once() { # save_once <key> <value>: first value wins
  local f="$DATA_DIR/host-orig"
  touch "$f"
  grep -q "^$1=" "$f" || echo "$1=$2" >>"$f"
}
set_sysctl() {
  local key="$1" want="$2" path="/proc/sys/${1//.//}" cur
  [ -e "$path" ] || die "sysctl $key not available on this kernel"
  cur=$(cat "$path")
  save_once "sysctl:$key" "$cur"
  [ "$cur" = "$want" ] || { echo "$want" >"$path"; log "sysctl $key: $cur -> $want"; }
}
raise_sysctl() {
  local path="/proc/sys/${1//.//}" cur
  cur=$(cat "$path")
  if [ "$cur" -lt "$2" ]; then set_sysctl "$1" "$2"; fi
}
# Sysctls kubelet (protectKernelDefaults=false) will rewrite: record them before it starts.
for k in vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys \
  kernel.keys.root_maxbytes net.ipv4.conf.all.route_localnet; do
  p="/proc/sys/${k//.//}"
  [ -e "$p" ] && save_once "sysctl:$k" "$(cat "$p")"
done
# Forwarding and bridge netfilter are set inside each node's namespace (node.sh), not on the host:
# the host routes nothing for the cluster. br_netfilter must be loaded for those settings to exist.
[ -e /proc/sys/net/bridge ] || modprobe br_netfilter || die "the br_netfilter kernel module is missing"
raise_sysctl fs.inotify.max_user_instances 8192
raise_sysctl fs.inotify.max_user_watches 524288
# The ARP table is one for all network namespaces, 1024 entries by default (gc_thresh3). Every probe
# pod learns a neighbour entry per peer it knocks on: a 30x30 run needs ~1,800, and once the table is
# full new neighbours are refused and SYNs die as timeouts (seen: arp_cache table_fulls, 22% of open
# ports "timed out"). Large real nodes raise these for the same reason.
raise_sysctl net.ipv4.neigh.default.gc_thresh1 2048
raise_sysctl net.ipv4.neigh.default.gc_thresh2 8192
raise_sysctl net.ipv4.neigh.default.gc_thresh3 16384
raise_sysctl net.ipv6.neigh.default.gc_thresh1 2048
raise_sysctl net.ipv6.neigh.default.gc_thresh2 8192
raise_sysctl net.ipv6.neigh.default.gc_thresh3 16384

prop=$(findmnt -n -o PROPAGATION /)
save_once "mount-propagation:/" "$prop"
if [ "$prop" != shared ]; then
  mount --make-rshared /
  log "mount propagation of /: $prop -> shared"
fi
[ -f "$DATA_DIR/netns-before" ] || ip netns list | awk '{print $1}' >"$DATA_DIR/netns-before"
[ -d /var/log/containers ] && save_once "dir:/var/log/containers" existed || save_once "dir:/var/log/containers" created
[ -d /var/lib/cni ] && save_once "dir:/var/lib/cni" existed || save_once "dir:/var/lib/cni" created
# containerd 1.6 keeps shim sockets in /run/containerd/s whatever its state directory is.
[ -d /run/containerd ] && save_once "dir:/run/containerd" existed || save_once "dir:/run/containerd" created

# ---------------------------------------------------------------------------------------------------
phase underlay
# The underlay joins the control plane (this host, $CONTROL_PLANE_IP) and the nodes at layer 2. It
# holds no physical interface; the host routes each node's pod networks to that node, so that the API
# server can answer pods (in-cluster clients) and nothing else.
ip link show "$UNDERLAY_BRIDGE" >/dev/null 2>&1 || ip link add "$UNDERLAY_BRIDGE" type bridge
ip addr replace "$CONTROL_PLANE_IP/${UNDERLAY_CIDR4#*/}" dev "$UNDERLAY_BRIDGE"
ip addr replace "$CONTROL_PLANE_IP6/${UNDERLAY_CIDR6#*/}" dev "$UNDERLAY_BRIDGE" nodad
ip link set "$UNDERLAY_BRIDGE" up
for ((i = 1; i <= NODES; i++)); do
  node_network "$i"
  ip route replace "$(node_pod_cidr4 "$i")" via "$(node_ip4 "$i")" dev "$UNDERLAY_BRIDGE"
  ip -6 route replace "$(node_pod_cidr6 "$i")" via "$(node_ip6 "$i")" dev "$UNDERLAY_BRIDGE"
  node_cgroups "$i"
done
log "underlay $UNDERLAY_BRIDGE: control plane $CONTROL_PLANE_IP/$CONTROL_PLANE_IP6, nodes $(node_ip4 1)..$(node_ip4 "$NODES")"

phase external-host
# The stand-in external host is a network namespace on the underlay holding only $EXTERNAL_IP/32 and
# $EXTERNAL_IP6/128 (documentation ranges). It has no default route: only the underlay (on-link) and
# the pod networks, through their nodes. Nodes route only those two addresses to it. The host routes
# nothing to it: the registries this machine may use live in documentation ranges too (here
# 203.0.113.80), so a route for more than the /32 would cut the machine off from them.
netns_now=$(ip netns list 2>/dev/null | awk '{print $1}')
grep -qx "$EXTERNAL_NETNS" <<<"$netns_now" || ip netns add "$EXTERNAL_NETNS"
if ! ip link show kk-ext0 >/dev/null 2>&1; then
  ip link add kk-ext0 type veth peer name kk-ext1
  ip link set kk-ext1 netns "$EXTERNAL_NETNS"
fi
ip link set kk-ext0 master "$UNDERLAY_BRIDGE" up
ip -n "$EXTERNAL_NETNS" link set lo up
ip -n "$EXTERNAL_NETNS" addr replace "$EXTERNAL_IP/32" dev kk-ext1
ip -n "$EXTERNAL_NETNS" addr replace "$EXTERNAL_IP6/128" dev kk-ext1 nodad
ip -n "$EXTERNAL_NETNS" link set kk-ext1 up
ip -n "$EXTERNAL_NETNS" route replace "$UNDERLAY_CIDR4" dev kk-ext1 src "$EXTERNAL_IP"
ip -n "$EXTERNAL_NETNS" -6 route replace "$UNDERLAY_CIDR6" dev kk-ext1 src "$EXTERNAL_IP6"
for ((i = 1; i <= NODES; i++)); do
  ip -n "$EXTERNAL_NETNS" route replace "$(node_pod_cidr4 "$i")" via "$(node_ip4 "$i")" dev kk-ext1
  ip -n "$EXTERNAL_NETNS" -6 route replace "$(node_pod_cidr6 "$i")" via "$(node_ip6 "$i")" dev kk-ext1
done
# Port 81 silently drops every SYN: the stand-in for a DROPping firewall (Calico, Cilium), whose probes
# end in a timeout rather than kube-router's "refused". e2e tests use it for probes that must still be
# running when something goes wrong (a probe pod deleted, the API server gone).
for ipt in iptables ip6tables; do
  ip netns exec "$EXTERNAL_NETNS" $ipt -w -C INPUT -p tcp --dport "$EXTERNAL_DROP_PORT" -j DROP 2>/dev/null ||
    ip netns exec "$EXTERNAL_NETNS" $ipt -w -A INPUT -p tcp --dport "$EXTERNAL_DROP_PORT" -j DROP
done
mkdir -p "$STATE_DIR/external/www"
printf 'kubeknock external stand-in %s\n' "$EXTERNAL_IP" >"$STATE_DIR/external/www/index.html"

# ---------------------------------------------------------------------------------------------------
# Process helpers (pid files, is_running and stop_daemon are in lib.sh).
# write_config <file> <daemon>: writes stdin to <file>; if the content changed, the daemon (when
# running) is stopped so that start_daemon starts it again with the new configuration.
write_config() {
  local f="$1" name="$2"
  cat >"$f.new"
  if [ -f "$f" ] && cmp -s "$f.new" "$f"; then
    rm -f "$f.new"
    return 0
  fi
  mv "$f.new" "$f"
  if [ -f "$STATE_DIR/pids/$name.pid" ]; then
    log "configuration of $name changed: restarting it"
    stop_daemon "$name"
  fi
}
start_daemon() { # start_daemon <name> <match> <command...>
  local name="$1" match="$2" pid
  shift 2
  local want="$*"
  if is_running "$name" "$match"; then
    if [ "$(cat "$STATE_DIR/pids/$name.cmd" 2>/dev/null)" = "$want" ]; then
      log "$name already running (pid $(cat "$STATE_DIR/pids/$name.pid"))"
      return 0
    fi
    log "command line of $name changed: restarting it"
    stop_daemon "$name"
  elif pid=$(pid_of "$name") && [ -n "$({ tr -d '\0' <"/proc/$pid/cmdline"; } 2>/dev/null)" ]; then
    log "$name (pid $pid) runs something else than $match (an older build?): restarting it"
    stop_daemon "$name"
  fi
  log "starting $name"
  setsid nohup "$@" >>"$STATE_DIR/logs/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$STATE_DIR/pids/$name.pid"
  printf '%s' "$want" >"$STATE_DIR/pids/$name.cmd"
}

start_daemon external-http "httpd -f -p 80" ip netns exec "$EXTERNAL_NETNS" "$busybox_bin" httpd -f -p 80 -h "$STATE_DIR/external/www"
start_daemon external-http8080 "httpd -f -p 8080" ip netns exec "$EXTERNAL_NETNS" "$busybox_bin" httpd -f -p 8080 -h "$STATE_DIR/external/www"

# ---------------------------------------------------------------------------------------------------
phase certs
PKI="$STATE_DIR/pki"
openssl_q() { openssl "$@" 2>/dev/null; }
if [ ! -f "$PKI/ca.crt" ]; then
  log "creating the cluster CA"
  openssl_q genrsa -out "$PKI/ca.key" 2048
  openssl_q req -x509 -new -nodes -key "$PKI/ca.key" -sha256 -days 3650 -subj "/CN=kubeknock-test-ca" -out "$PKI/ca.crt"
fi
# make_cert <name> <subject> <extendedKeyUsage> [subjectAltName]
make_cert() {
  local name="$1" subj="$2" eku="$3" san="${4:-}"
  # Reuse a certificate; a serving certificate only while its SANs are still the ones asked for.
  if [ -f "$PKI/$name.crt" ] && { [ -z "$san" ] || [ "$(cat "$PKI/$name.san" 2>/dev/null)" = "$san" ]; }; then
    return 0
  fi
  openssl_q genrsa -out "$PKI/$name.key" 2048
  openssl_q req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [ -z "$san" ] || echo "subjectAltName=$san"
  } >"$PKI/$name.ext"
  openssl_q x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 365 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt"
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
  [ -z "$san" ] || echo "$san" >"$PKI/$name.san"
  log "certificate $name ($subj)"
}
make_cert apiserver "/CN=kube-apiserver" serverAuth \
  "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN,DNS:localhost,IP:127.0.0.1,IP:$KUBERNETES_SVC_IP,IP:$CONTROL_PLANE_IP,IP:$CONTROL_PLANE_IP6"
make_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
make_cert admin "/O=system:masters/CN=kubeknock-admin" clientAuth
make_cert controller-manager "/CN=system:kube-controller-manager" clientAuth
make_cert scheduler "/CN=system:kube-scheduler" clientAuth
make_cert kube-proxy "/CN=system:kube-proxy" clientAuth
make_cert front-proxy-client "/CN=front-proxy-client" clientAuth
for ((i = 1; i <= NODES; i++)); do
  n=$(node_name "$i")
  make_cert "kubelet-client-$n" "/O=system:nodes/CN=system:node:$n" clientAuth
  make_cert "kubelet-serving-$n" "/CN=$n" serverAuth "DNS:$n,IP:$(node_ip4 "$i"),IP:$(node_ip6 "$i"),IP:127.0.0.1"
done
if [ ! -f "$PKI/sa.key" ]; then
  openssl_q genrsa -out "$PKI/sa.key" 2048
  openssl_q rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
fi
chmod 600 "$PKI"/*.key

# kubeconfigs
write_kubeconfig() { # <file> <cert name> <server>
  local f="$1" cert="$2" server="$3"
  [ -f "$f" ] && [ "$f" -nt "$PKI/$cert.crt" ] && grep -q "$server" "$f" && return 0
  rm -f "$f"
  "$K8S_BIN/kubectl" config --kubeconfig="$f" set-cluster kubeknock --server="$server" --certificate-authority="$PKI/ca.crt" --embed-certs=true >/dev/null
  "$K8S_BIN/kubectl" config --kubeconfig="$f" set-credentials "$cert" --client-certificate="$PKI/$cert.crt" --client-key="$PKI/$cert.key" --embed-certs=true >/dev/null
  "$K8S_BIN/kubectl" config --kubeconfig="$f" set-context kubeknock --cluster=kubeknock --user="$cert" >/dev/null
  "$K8S_BIN/kubectl" config --kubeconfig="$f" use-context kubeknock >/dev/null
  chmod 600 "$f"
}
KUBECONFIG_FILE="$STATE_DIR/kubeconfig"
write_kubeconfig "$KUBECONFIG_FILE" admin "https://127.0.0.1:6443"
write_kubeconfig "$STATE_DIR/config/controller-manager.kubeconfig" controller-manager "https://127.0.0.1:6443"
write_kubeconfig "$STATE_DIR/config/scheduler.kubeconfig" scheduler "https://127.0.0.1:6443"
# Node daemons reach the API server over the underlay.
write_kubeconfig "$STATE_DIR/config/kube-proxy.kubeconfig" kube-proxy "https://$CONTROL_PLANE_IP:6443"
write_kubeconfig "$STATE_DIR/config/kube-router.kubeconfig" admin "https://$CONTROL_PLANE_IP:6443"
if [ "$ENFORCER" = kube-network-policies ]; then
  write_kubeconfig "$STATE_DIR/config/kube-network-policies.kubeconfig" admin "https://$CONTROL_PLANE_IP:6443"
fi
for ((i = 1; i <= NODES; i++)); do
  n=$(node_name "$i")
  write_kubeconfig "$STATE_DIR/config/kubelet-$n.kubeconfig" "kubelet-client-$n" "https://$CONTROL_PLANE_IP:6443"
done
export KUBECONFIG="$KUBECONFIG_FILE"

# ---------------------------------------------------------------------------------------------------
phase containerd
for ((i = 1; i <= NODES; i++)); do
  node_configs "$i"
  node_start_containerd "$i"
done
for ((i = 1; i <= NODES; i++)); do
  wait_for "containerd socket of $(node_name "$i")" 60 node_ctr "$i" version ||
    die "containerd did not start; see $STATE_DIR/logs/$(node_name "$i")-containerd.log"
done

phase images-import
# In the background, one job per node, while the control plane starts.
import_pids=()
for ((i = 1; i <= NODES; i++)); do
  node_import_images "$i" &
  import_pids+=("$!")
done
echo "$BUSYBOX_IMAGE" >"$STATE_DIR/busybox-image"

# ---------------------------------------------------------------------------------------------------
phase etcd
start_daemon etcd "$ETCD_BIN/etcd" "$ETCD_BIN/etcd" --name kk-etcd --data-dir "$DATA_DIR/etcd" \
  --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster kk-etcd=http://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381 \
  --quota-backend-bytes 2147483648 --log-level warn
wait_for "etcd health" 60 curl -sf http://127.0.0.1:2381/health || { check_alive etcd "$ETCD_BIN/etcd"; die "etcd not healthy"; }

phase kube-apiserver
start_daemon kube-apiserver "$K8S_BIN/kube-apiserver" "$K8S_BIN/kube-apiserver" \
  --etcd-servers=http://127.0.0.1:2379 \
  --bind-address=0.0.0.0 --secure-port=6443 --advertise-address="$CONTROL_PLANE_IP" \
  --service-cluster-ip-range="$SERVICE_CIDR,$SERVICE_CIDR6" \
  --client-ca-file="$PKI/ca.crt" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP \
  --service-account-issuer="https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --requestheader-client-ca-file="$PKI/ca.crt" --requestheader-allowed-names=front-proxy-client \
  --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
  --requestheader-extra-headers-prefix=X-Remote-Extra- \
  --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
  --allow-privileged=true --profiling=false --v=1
APISERVER_CURL=(curl -sf --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key")
wait_for "kube-apiserver /readyz" 180 "${APISERVER_CURL[@]}" https://127.0.0.1:6443/readyz ||
  { check_alive kube-apiserver "$K8S_BIN/kube-apiserver"; die "kube-apiserver not ready"; }

phase controllers
start_daemon kube-controller-manager "$K8S_BIN/kube-controller-manager" "$K8S_BIN/kube-controller-manager" \
  --kubeconfig="$STATE_DIR/config/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$STATE_DIR/config/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$STATE_DIR/config/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port=10257 \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --use-service-account-credentials=true \
  --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --allocate-node-cidrs=false --leader-elect=false --profiling=false --v=1
start_daemon kube-scheduler "$K8S_BIN/kube-scheduler" "$K8S_BIN/kube-scheduler" \
  --kubeconfig="$STATE_DIR/config/scheduler.kubeconfig" \
  --authentication-kubeconfig="$STATE_DIR/config/scheduler.kubeconfig" \
  --authorization-kubeconfig="$STATE_DIR/config/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port=10259 --leader-elect=false --profiling=false --v=1

# ---------------------------------------------------------------------------------------------------
phase kubelet
for pid in "${import_pids[@]}"; do
  wait "$pid" || die "importing the images into a node failed (see above)"
done
log "images imported into $NODES node(s)"
for ((i = 1; i <= NODES; i++)); do node_start_kubelet "$i"; done

phase node
for ((i = 1; i <= NODES; i++)); do
  n=$(node_name "$i")
  wait_for "node $n registered" 120 node_registered "$i" || die "node $n did not register"
  node_pod_cidrs "$i"
done

if [ "$ENFORCER" = kube-network-policies ]; then
phase kube-network-policies
# The ClusterNetworkPolicy CRD before the enforcer: its informer must sync before it enforces anything.
# The experimental channel (a superset of standard: also domainNames, nodes and named ports) unless
# KUBEKNOCK_CNP_CHANNEL=standard.
cnp_channel="${KUBEKNOCK_CNP_CHANNEL:-experimental}"
[ -f "$NPA_CRDS/$cnp_channel.yaml" ] || die "KUBEKNOCK_CNP_CHANNEL must be standard or experimental, not '$cnp_channel'"
K apply --server-side --force-conflicts -f "$NPA_CRDS/$cnp_channel.yaml" >/dev/null
wait_for "ClusterNetworkPolicy CRD ($NPA_VERSION, $cnp_channel) established" 60 \
  K wait --for=condition=Established crd/clusternetworkpolicies.policy.networking.k8s.io --timeout=5s ||
  die "the ClusterNetworkPolicy CRD was not established"
for ((i = 1; i <= NODES; i++)); do node_start_proxies "$i"; done
for ((i = 1; i <= NODES; i++)); do
  n=$(node_name "$i")
  wait_for "node $n Ready" 180 K wait --for=condition=Ready "node/$n" --timeout=5s ||
    { tail -n 40 "$STATE_DIR/logs/$n-kubelet.log" >&2; die "node $n not Ready"; }
  wait_for "kube-network-policies metrics on $n" 90 node_knp_metrics "$i" ||
    { check_alive "$n-kube-network-policies" "$KNP_BIN/kube-network-policies"; die "kube-network-policies not serving metrics on $n"; }
  # Its rules are written in one batch: the table exists only if the kernel took every expression (the
  # unpatched queue expression is refused here, and nothing would be enforced).
  wait_for "kube-network-policies nftables table on $n" 60 in_node "$i" nft list table inet kube-network-policies ||
    { tail -n 30 "$STATE_DIR/logs/$n-kube-network-policies.log" >&2; die "kube-network-policies created no nftables table inet kube-network-policies on $n"; }
done
elif [ "$ENFORCER" = none ]; then
phase no-enforcer
# Nothing enforces NetworkPolicy: the bed doctor --canary must call NOT ENFORCED.
for ((i = 1; i <= NODES; i++)); do node_start_proxies "$i"; done
for ((i = 1; i <= NODES; i++)); do
  n=$(node_name "$i")
  wait_for "node $n Ready" 180 K wait --for=condition=Ready "node/$n" --timeout=5s ||
    { tail -n 40 "$STATE_DIR/logs/$n-kubelet.log" >&2; die "node $n not Ready"; }
done
else
phase kube-router
[ -d /var/lib/kube-router ] || touch "$DATA_DIR/kube-router-dir-created"
for ((i = 1; i <= NODES; i++)); do node_start_proxies "$i"; done
for ((i = 1; i <= NODES; i++)); do
  n=$(node_name "$i")
  wait_for "node $n Ready" 180 K wait --for=condition=Ready "node/$n" --timeout=5s ||
    { tail -n 40 "$STATE_DIR/logs/$n-kubelet.log" >&2; die "node $n not Ready"; }
  wait_for "kube-router healthz on $n" 90 in_node "$i" curl -sf http://127.0.0.1:20244/healthz ||
    { check_alive "$n-kube-router" "$KUBE_ROUTER_BIN/kube-router"; die "kube-router not healthy on $n"; }
  wait_for "kube-router firewall chains on $n" 60 in_node "$i" iptables -w -S KUBE-ROUTER-FORWARD ||
    die "kube-router created no KUBE-ROUTER-FORWARD chain on $n"
  wait_for "kube-router IPv6 firewall chains on $n" 60 in_node "$i" ip6tables -w -S KUBE-ROUTER-FORWARD ||
    die "kube-router created no IPv6 KUBE-ROUTER-FORWARD chain on $n"
done
fi

# ---------------------------------------------------------------------------------------------------
phase coredns
sed -e "s|@IMAGE@|$COREDNS_IMAGE|g" -e "s|@DNS_IP@|$DNS_SVC_IP|g" -e "s|@DNS_IP6@|$DNS_SVC_IP6|g" -e "s|@DOMAIN@|$CLUSTER_DOMAIN|g" \
  "$CLUSTER_DIR/manifests/coredns.yaml" | K apply -f - >/dev/null
wait_for "CoreDNS rollout" 180 K -n kube-system rollout status deployment/coredns --timeout=5s ||
  { K -n kube-system get pods -o wide >&2; K -n kube-system describe pods -l k8s-app=kube-dns | tail -n 30 >&2; die "CoreDNS not available"; }
# Asked from the last node (Services are programmed there by its kube-proxy; CoreDNS may run elsewhere).
wait_for "DNS answers kubernetes.default.svc.$CLUSTER_DOMAIN at $DNS_SVC_IP" 90 \
  in_node "$NODES" "$busybox_bin" nslookup -type=a -timeout=2 -retry=1 "kubernetes.default.svc.$CLUSTER_DOMAIN." "$DNS_SVC_IP" ||
  die "CoreDNS does not answer at $DNS_SVC_IP"
wait_for "DNS answers AAAA for kube-dns.kube-system.svc.$CLUSTER_DOMAIN at [$DNS_SVC_IP6]" 90 \
  in_node "$NODES" "$busybox_bin" nslookup -type=aaaa -timeout=2 -retry=1 "kube-dns.kube-system.svc.$CLUSTER_DOMAIN." "$DNS_SVC_IP6" ||
  die "CoreDNS does not answer AAAA at $DNS_SVC_IP6"

# ---------------------------------------------------------------------------------------------------
phase ready
check_alive etcd "$ETCD_BIN/etcd"
for d in kube-apiserver kube-controller-manager kube-scheduler; do check_alive "$d" "$K8S_BIN/$d"; done
for ((i = 1; i <= NODES; i++)); do
  n=$(node_name "$i")
  check_alive "$n-containerd" containerd
  check_alive "$n-kubelet" "$K8S_BIN/kubelet"
  check_alive "$n-kube-proxy" "$K8S_BIN/kube-proxy"
  if [ "$ENFORCER" = kube-network-policies ]; then
    check_alive "$n-kube-network-policies" "$KNP_BIN/kube-network-policies"
  elif [ "$ENFORCER" = kube-router ]; then
    check_alive "$n-kube-router" "$KUBE_ROUTER_BIN/kube-router"
  fi
done
wait_for "stand-in external host http://$EXTERNAL_IP/ from $(node_name "$NODES")" 30 in_node "$NODES" curl -sf --max-time 2 "http://$EXTERNAL_IP/" ||
  die "the stand-in external host does not serve HTTP"
wait_for "stand-in external host http://[$EXTERNAL_IP6]/ from $(node_name "$NODES")" 30 in_node "$NODES" curl -sf --max-time 2 "http://[$EXTERNAL_IP6]/" ||
  die "the stand-in external host does not serve HTTP over IPv6"
join() { local IFS=,; echo "$*"; }
names=() socks=() cidrs=()
for ((i = 1; i <= NODES; i++)); do
  names+=("$(node_name "$i")")
  socks+=("$(node_sock "$i")")
  cidrs+=("$(node_name "$i")=$(node_pod_cidr4 "$i")+$(node_pod_cidr6 "$i")")
done
{
  echo "KUBECONFIG=$KUBECONFIG_FILE"
  echo "BUSYBOX_IMAGE=$BUSYBOX_IMAGE"
  echo "PAUSE_IMAGE=$PAUSE_IMAGE"
  echo "COREDNS_IMAGE=$COREDNS_IMAGE"
  echo "NODES=$(join "${names[@]}")"
  echo "NODE_POD_CIDRS=$(join "${cidrs[@]}")"
  echo "CONTAINERD_SOCKS=$(join "${socks[@]}")"
  echo "POD_CIDR=$CLUSTER_CIDR4"
  echo "POD_CIDR6=$CLUSTER_CIDR6"
  echo "SERVICE_CIDR=$SERVICE_CIDR"
  echo "SERVICE_CIDR6=$SERVICE_CIDR6"
  echo "DNS_SVC_IP=$DNS_SVC_IP"
  echo "DNS_SVC_IP6=$DNS_SVC_IP6"
  echo "EXTERNAL_IP=$EXTERNAL_IP"
  echo "EXTERNAL_IP6=$EXTERNAL_IP6"
  echo "EXTERNAL_PORTS=80,8080"
  echo "EXTERNAL_DROP_PORT=$EXTERNAL_DROP_PORT"
  echo "CONTROL_PLANE_IP=$CONTROL_PLANE_IP"
  echo "ENFORCER=$ENFORCER"
} >"$STATE_DIR/cluster.env"
log "cluster is up in $((SECONDS - UP_START)) s: $NODES node(s), busybox image $BUSYBOX_IMAGE, enforcer $ENFORCER"
log "export KUBECONFIG=$KUBECONFIG_FILE"
echo "$KUBECONFIG_FILE"
