#!/usr/bin/env bash
# Brings up the single-node test cluster on this machine (as root). Idempotent: a second run checks
# every part, starts only what is missing and waits for readiness again.
#   bash test/cluster/up.sh          (npm run cluster:up)
# Ends only when the node is Ready, CoreDNS answers and kube-router's firewall runs. Prints the path
# of the kubeconfig as the last line of stdout; everything else is logged to stderr.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

UP_START=$SECONDS
[ "$(id -u)" = 0 ] || die "must run as root (it starts kubelet, containerd and changes iptables)"

# ---------------------------------------------------------------------------------------------------
phase packages
need_pkgs=(containerd runc containernetworking-plugins iptables ipset conntrack openssl iproute2
  util-linux procps psmisc time curl ca-certificates gcc libc6-dev)
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
elif [ "$live" = 0 ] && { [ -e "$DATA_DIR" ] || [ -e "$RUN_DIR" ] || ip link show "$BRIDGE_NAME" >/dev/null 2>&1 ||
  grep -qx "$EXTERNAL_NETNS" <<<"$netns_now"; }; then
  log "leftovers of an earlier cluster whose processes are gone: cleaning them up first"
  bash "$CLUSTER_DIR/down.sh"
fi
mkdir -p "$STATE_DIR"/{pids,logs,pki,config} "$DATA_DIR" "$RUN_DIR"
echo "$STATE_DIR" >"$DATA_DIR/owner"
NODE_IP="${KUBEKNOCK_NODE_IP:-}"
if [ -z "$NODE_IP" ]; then
  dev=$(ip -4 route show default | awk '{for (i=1;i<NF;i++) if ($i=="dev") {print $(i+1); exit}}')
  [ -n "$dev" ] || dev=$(ip -4 -o addr show scope global | awk '{print $2; exit}')
  NODE_IP=$(ip -4 -o addr show dev "$dev" scope global | awk '{split($4,a,"/"); print a[1]; exit}')
fi
[ -n "$NODE_IP" ] || die "cannot find this machine's IPv4 address (set KUBEKNOCK_NODE_IP)"
echo "$NODE_IP" >"$STATE_DIR/node-ip"
log "node $NODE_NAME, IP $NODE_IP"

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
set_sysctl net.ipv4.ip_forward 1
set_sysctl net.bridge.bridge-nf-call-iptables 1
set_sysctl net.bridge.bridge-nf-call-ip6tables 1
raise_sysctl fs.inotify.max_user_instances 8192
raise_sysctl fs.inotify.max_user_watches 524288
# The ARP table is one for all network namespaces, 1024 entries by default (gc_thresh3). Every probe
# pod learns a neighbour entry per peer it knocks on: a 30x30 run needs ~1,800, and once the table is
# full new neighbours are refused and SYNs die as timeouts (seen: arp_cache table_fulls, 22% of open
# ports "timed out"). Large real nodes raise these for the same reason.
raise_sysctl net.ipv4.neigh.default.gc_thresh1 2048
raise_sysctl net.ipv4.neigh.default.gc_thresh2 8192
raise_sysctl net.ipv4.neigh.default.gc_thresh3 16384

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

# Network safety: forwarded traffic from the pod network may only go to pods, services (after DNAT,
# that is pods) and the stand-in external host. Installed in mangle and filter FORWARD so no later
# ACCEPT (kube-router, kube-proxy) can bypass it. IPv6 from pods is dropped outright.
ensure_egress_guard() {
  local ipt="$1" table="$2" comment='"kubeknock: pod traffic never leaves this machine"'
  # One iptables-restore transaction (--noflush keeps other chains): the chain is never seen empty.
  if [ "$ipt" = iptables ]; then
    printf '*%s\n:KUBEKNOCK-EGRESS - [0:0]\n-A KUBEKNOCK-EGRESS -d %s -j RETURN\n-A KUBEKNOCK-EGRESS -d %s -j RETURN\n-A KUBEKNOCK-EGRESS -d %s/32 -j RETURN\n-A KUBEKNOCK-EGRESS -m comment --comment %s -j DROP\nCOMMIT\n' \
      "$table" "$POD_CIDR" "$SERVICE_CIDR" "$EXTERNAL_IP" "$comment" | iptables-restore -w --noflush
    $ipt -w -t "$table" -C FORWARD -s "$POD_CIDR" -j KUBEKNOCK-EGRESS 2>/dev/null ||
      $ipt -w -t "$table" -I FORWARD 1 -s "$POD_CIDR" -j KUBEKNOCK-EGRESS
  else
    printf '*%s\n:KUBEKNOCK-EGRESS - [0:0]\n-A KUBEKNOCK-EGRESS -m comment --comment %s -j DROP\nCOMMIT\n' \
      "$table" "$comment" | ip6tables-restore -w --noflush
    $ipt -w -t "$table" -C FORWARD -i "$BRIDGE_NAME" -j KUBEKNOCK-EGRESS 2>/dev/null ||
      $ipt -w -t "$table" -I FORWARD 1 -i "$BRIDGE_NAME" -j KUBEKNOCK-EGRESS
  fi
}
for tbl in mangle filter; do
  ensure_egress_guard iptables "$tbl"
  ensure_egress_guard ip6tables "$tbl"
done
log "egress guard installed (mangle+filter FORWARD: $POD_CIDR -> only $POD_CIDR, $SERVICE_CIDR, $EXTERNAL_IP)"

# ---------------------------------------------------------------------------------------------------
phase external-host
# The stand-in external host is a network namespace holding only $EXTERNAL_IP/32. Nothing but that one
# /32 is routed to it: the registries this machine may use live in documentation ranges too (here
# 203.0.113.80), so a whole /24 on the veth would cut the machine off from them. The host side has no
# address of its own; the host reaches the namespace from the pod gateway address, and the namespace
# routes only the pod network back, through that address (Linux answers ARP for it on any interface).
if ! ip link show "$BRIDGE_NAME" >/dev/null 2>&1; then
  # Created here rather than by the bridge CNI plugin (which reuses it) so that the gateway address
  # exists before the first pod.
  ip link add "$BRIDGE_NAME" type bridge
fi
ip addr replace "$POD_GATEWAY/${POD_CIDR#*/}" dev "$BRIDGE_NAME"
ip link set "$BRIDGE_NAME" up
netns_now=$(ip netns list 2>/dev/null | awk '{print $1}')
grep -qx "$EXTERNAL_NETNS" <<<"$netns_now" || ip netns add "$EXTERNAL_NETNS"
if ! ip link show kk-ext0 >/dev/null 2>&1; then
  ip link add kk-ext0 type veth peer name kk-ext1
  ip link set kk-ext1 netns "$EXTERNAL_NETNS"
fi
ip link set kk-ext0 up
ip route replace "$EXTERNAL_IP/32" dev kk-ext0 src "$POD_GATEWAY"
ip -n "$EXTERNAL_NETNS" link set lo up
ip -n "$EXTERNAL_NETNS" addr replace "$EXTERNAL_IP/32" dev kk-ext1
ip -n "$EXTERNAL_NETNS" link set kk-ext1 up
ip -n "$EXTERNAL_NETNS" route replace "$POD_GATEWAY/32" dev kk-ext1
ip -n "$EXTERNAL_NETNS" route replace "$POD_CIDR" via "$POD_GATEWAY" dev kk-ext1
# Port 81 silently drops every SYN: the stand-in for a DROPping firewall (Calico, Cilium), whose probes
# end in a timeout rather than kube-router's "refused". e2e tests use it for probes that must still be
# running when something goes wrong (a probe pod deleted, the API server gone).
ip netns exec "$EXTERNAL_NETNS" iptables -w -C INPUT -p tcp --dport "$EXTERNAL_DROP_PORT" -j DROP 2>/dev/null ||
  ip netns exec "$EXTERNAL_NETNS" iptables -w -A INPUT -p tcp --dport "$EXTERNAL_DROP_PORT" -j DROP
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
  local name="$1" match="$2"
  shift 2
  local want="$*"
  if is_running "$name" "$match"; then
    if [ "$(cat "$STATE_DIR/pids/$name.cmd" 2>/dev/null)" = "$want" ]; then
      log "$name already running (pid $(cat "$STATE_DIR/pids/$name.pid"))"
      return 0
    fi
    log "command line of $name changed: restarting it"
    stop_daemon "$name"
  fi
  log "starting $name"
  setsid nohup "$@" >>"$STATE_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE_DIR/pids/$name.pid"
  printf '%s' "$want" >"$STATE_DIR/pids/$name.cmd"
}
wait_for() { # wait_for <what> <timeout s> <command...>
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
check_alive() {
  is_running "$1" "$2" || { tail -n 30 "$STATE_DIR/logs/$1.log" >&2 || true; die "$1 exited; log: $STATE_DIR/logs/$1.log"; }
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
  # Reuse a certificate; a serving certificate only while the node IP in its SANs is still right.
  if [ -f "$PKI/$name.crt" ] && { [ -z "$san" ] || [ "$(cat "$PKI/$name.ip" 2>/dev/null)" = "$NODE_IP" ]; }; then
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
  echo "$NODE_IP" >"$PKI/$name.ip"
  log "certificate $name ($subj)"
}
make_cert apiserver "/CN=kube-apiserver" serverAuth \
  "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN,DNS:localhost,DNS:$NODE_NAME,IP:127.0.0.1,IP:$KUBERNETES_SVC_IP,IP:$NODE_IP"
make_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
make_cert admin "/O=system:masters/CN=kubeknock-admin" clientAuth
make_cert controller-manager "/CN=system:kube-controller-manager" clientAuth
make_cert scheduler "/CN=system:kube-scheduler" clientAuth
make_cert kube-proxy "/CN=system:kube-proxy" clientAuth
make_cert kubelet-client "/O=system:nodes/CN=system:node:$NODE_NAME" clientAuth
make_cert front-proxy-client "/CN=front-proxy-client" clientAuth
make_cert kubelet-serving "/CN=$NODE_NAME" serverAuth "DNS:$NODE_NAME,IP:$NODE_IP,IP:127.0.0.1"
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
write_kubeconfig "$STATE_DIR/config/kube-proxy.kubeconfig" kube-proxy "https://$NODE_IP:6443"
write_kubeconfig "$STATE_DIR/config/kubelet.kubeconfig" kubelet-client "https://$NODE_IP:6443"
export KUBECONFIG="$KUBECONFIG_FILE"

# ---------------------------------------------------------------------------------------------------
phase containerd
mkdir -p "$STATE_DIR/config/cni"
write_config "$STATE_DIR/config/containerd.toml" containerd <<EOF
version = 2
root = "$DATA_DIR/containerd"
state = "$RUN_DIR/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$CONTAINERD_SOCK"

[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  enable_selinux = false
  # This VM withholds CAP_SYS_RESOURCE even from root, so oom_score_adj cannot be lowered below the
  # caller's (runc would fail with "failed to update /proc/self/oom_score_adj: Permission denied").
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$RUN_DIR/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE_DIR/config/cni"
    max_conf_num = 1
EOF
# Bridge CNI with host-local IPAM. No masquerade: pod traffic keeps its pod source address.
write_config "$STATE_DIR/config/cni/10-kubeknock.conflist" none <<EOF
{
  "cniVersion": "1.0.0",
  "name": "kubeknock",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE_NAME",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$DATA_DIR/cni-ipam",
        "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$POD_GATEWAY"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
start_daemon containerd "$STATE_DIR/config/containerd.toml" containerd --config "$STATE_DIR/config/containerd.toml"
CTR=(ctr --address "$CONTAINERD_SOCK" -n k8s.io)
wait_for "containerd socket" 60 "${CTR[@]}" version || die "containerd did not start; see $STATE_DIR/logs/containerd.log"

phase images-import
import_image() { # <ref> <tar>; importing again is cheap and idempotent
  "${CTR[@]}" images import "$2" >/dev/null
  local all
  all=$("${CTR[@]}" images ls -q)
  grep -qx "$1" <<<"$all" || die "import of $1 failed"
  log "imported $1"
}
import_image "$PAUSE_IMAGE" "$PAUSE_TAR"
import_image "$BUSYBOX_IMAGE" "$BUSYBOX_TAR"
import_image "$COREDNS_IMAGE" "$COREDNS_TAR"
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
  --bind-address=0.0.0.0 --secure-port=6443 --advertise-address="$NODE_IP" \
  --service-cluster-ip-range="$SERVICE_CIDR" \
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
  --allocate-node-cidrs=true --cluster-cidr="$POD_CIDR" --node-cidr-mask-size=24 \
  --service-cluster-ip-range="$SERVICE_CIDR" --leader-elect=false --profiling=false --v=1
start_daemon kube-scheduler "$K8S_BIN/kube-scheduler" "$K8S_BIN/kube-scheduler" \
  --kubeconfig="$STATE_DIR/config/scheduler.kubeconfig" \
  --authentication-kubeconfig="$STATE_DIR/config/scheduler.kubeconfig" \
  --authorization-kubeconfig="$STATE_DIR/config/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port=10259 --leader-elect=false --profiling=false --v=1

# ---------------------------------------------------------------------------------------------------
phase kubelet
mkdir -p "$DATA_DIR/kubelet" "$DATA_DIR/pod-logs"
write_config "$STATE_DIR/config/kubelet.yaml" kubelet <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $PKI/ca.crt
authorization:
  mode: Webhook
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
clusterDNS:
  - $DNS_SVC_IP
clusterDomain: $CLUSTER_DOMAIN
resolvConf: ""
hairpinMode: hairpin-veth
podLogsDir: $DATA_DIR/pod-logs
# Nothing can be pulled again on this machine: never collect images.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
imageMinimumGCAge: 87600h
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  imagefs.available: 1%
  nodefs.inodesFree: 1%
protectKernelDefaults: false
# No CAP_SYS_RESOURCE here: a negative oom_score_adj cannot be set, so do not try.
oomScoreAdj: 0
serializeImagePulls: false
maxPods: 110
rotateCertificates: false
serverTLSBootstrap: false
EOF
start_daemon kubelet "$K8S_BIN/kubelet" "$K8S_BIN/kubelet" \
  --config="$STATE_DIR/config/kubelet.yaml" --kubeconfig="$STATE_DIR/config/kubelet.kubeconfig" \
  --root-dir="$DATA_DIR/kubelet" --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" --v=1

phase kube-proxy
write_config "$STATE_DIR/config/kube-proxy.yaml" kube-proxy <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
oomScoreAdj: 0
clientConnection:
  kubeconfig: $STATE_DIR/config/kube-proxy.kubeconfig
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
iptables:
  localhostNodePorts: false
  masqueradeAll: false
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
  udpTimeout: 0s
  udpStreamTimeout: 0s
EOF
start_daemon kube-proxy "$K8S_BIN/kube-proxy" "$K8S_BIN/kube-proxy" --config="$STATE_DIR/config/kube-proxy.yaml" --v=1

phase node
wait_for "node $NODE_NAME registered" 120 K get node "$NODE_NAME" ||
  { check_alive kubelet "$K8S_BIN/kubelet"; die "node did not register"; }
wait_for "node $NODE_NAME Ready" 180 K wait --for=condition=Ready "node/$NODE_NAME" --timeout=5s ||
  { tail -n 40 "$STATE_DIR/logs/kubelet.log" >&2; die "node not Ready"; }
wait_for "podCIDR assigned" 60 bash -c "[ -n \"\$('$K8S_BIN/kubectl' --kubeconfig='$KUBECONFIG_FILE' get node $NODE_NAME -o jsonpath='{.spec.podCIDR}')\" ]" ||
  die "no podCIDR on the node"

phase kube-router
[ -d /var/lib/kube-router ] || touch "$DATA_DIR/kube-router-dir-created"
start_daemon kube-router "$KUBE_ROUTER_BIN/kube-router" "$KUBE_ROUTER_BIN/kube-router" \
  --kubeconfig="$KUBECONFIG_FILE" --hostname-override="$NODE_NAME" \
  --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false \
  --enable-ipv4=true --enable-ipv6=false \
  --service-cluster-ip-range="$SERVICE_CIDR" --metrics-port=0 --health-port=20244 --v=1
wait_for "kube-router healthz" 90 curl -sf http://127.0.0.1:20244/healthz ||
  { check_alive kube-router "$KUBE_ROUTER_BIN/kube-router"; die "kube-router not healthy"; }
wait_for "kube-router firewall chains" 60 iptables -w -S KUBE-ROUTER-FORWARD ||
  die "kube-router created no KUBE-ROUTER-FORWARD chain"

# ---------------------------------------------------------------------------------------------------
phase coredns
sed -e "s|@IMAGE@|$COREDNS_IMAGE|g" -e "s|@DNS_IP@|$DNS_SVC_IP|g" -e "s|@DOMAIN@|$CLUSTER_DOMAIN|g" \
  "$CLUSTER_DIR/manifests/coredns.yaml" | K apply -f - >/dev/null
wait_for "CoreDNS rollout" 180 K -n kube-system rollout status deployment/coredns --timeout=5s ||
  { K -n kube-system get pods -o wide >&2; K -n kube-system describe pods -l k8s-app=kube-dns | tail -n 30 >&2; die "CoreDNS not available"; }
wait_for "DNS answers kubernetes.default.svc.$CLUSTER_DOMAIN at $DNS_SVC_IP" 90 \
  "$busybox_bin" nslookup -type=a -timeout=2 -retry=1 "kubernetes.default.svc.$CLUSTER_DOMAIN." "$DNS_SVC_IP" ||
  die "CoreDNS does not answer at $DNS_SVC_IP"

# ---------------------------------------------------------------------------------------------------
phase ready
for d in containerd:containerd etcd:"$ETCD_BIN/etcd" kube-apiserver:"$K8S_BIN/kube-apiserver" \
  kube-controller-manager:"$K8S_BIN/kube-controller-manager" kube-scheduler:"$K8S_BIN/kube-scheduler" \
  kubelet:"$K8S_BIN/kubelet" kube-proxy:"$K8S_BIN/kube-proxy" kube-router:"$KUBE_ROUTER_BIN/kube-router"; do
  check_alive "${d%%:*}" "${d#*:}"
done
wait_for "stand-in external host http://$EXTERNAL_IP/" 30 curl -sf --max-time 2 "http://$EXTERNAL_IP/" ||
  die "the stand-in external host does not serve HTTP"
{
  echo "KUBECONFIG=$KUBECONFIG_FILE"
  echo "BUSYBOX_IMAGE=$BUSYBOX_IMAGE"
  echo "PAUSE_IMAGE=$PAUSE_IMAGE"
  echo "COREDNS_IMAGE=$COREDNS_IMAGE"
  echo "POD_CIDR=$POD_CIDR"
  echo "SERVICE_CIDR=$SERVICE_CIDR"
  echo "DNS_SVC_IP=$DNS_SVC_IP"
  echo "EXTERNAL_IP=$EXTERNAL_IP"
  echo "EXTERNAL_PORTS=80,8080"
  echo "EXTERNAL_DROP_PORT=$EXTERNAL_DROP_PORT"
  echo "CONTAINERD_SOCK=$CONTAINERD_SOCK"
  echo "NODE_NAME=$NODE_NAME"
  echo "NODE_IP=$NODE_IP"
} >"$STATE_DIR/cluster.env"
log "cluster is up in $((SECONDS - UP_START)) s; busybox image $BUSYBOX_IMAGE"
log "export KUBECONFIG=$KUBECONFIG_FILE"
echo "$KUBECONFIG_FILE"
