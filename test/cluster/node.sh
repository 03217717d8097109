# Per-node parts of up.sh: a node's network namespace, its configuration files and its daemons
# (containerd, kubelet, kube-proxy, and the enforcer: kube-router or kube-network-policies). Sourced by up.sh after lib.sh; every function takes
# the node index (1-based). Each daemon runs in the node's network namespace only: the file system,
# mounts and cgroup hierarchy are the host's, with a root directory, state directory, socket and
# cgroup root per node, as kind nodes have inside their containers.
# shellcheck shell=bash

# Network safety inside a node: forwarded pod traffic may only go to pods, Services (after DNAT, that
# is pods), the underlay (the API server) and the stand-in external host. Installed first in mangle
# and filter FORWARD so no later ACCEPT of kube-router or kube-proxy can bypass it. Nodes have no
# default route either, so anything else is unreachable before this chain is even asked.
node_egress_guard() {
  local i="$1" table comment='"kubeknock: pod traffic never leaves this machine"'
  for table in mangle filter; do
    printf '*%s\n:KUBEKNOCK-EGRESS - [0:0]\n-A KUBEKNOCK-EGRESS -d %s -j RETURN\n-A KUBEKNOCK-EGRESS -d %s -j RETURN\n-A KUBEKNOCK-EGRESS -d %s -j RETURN\n-A KUBEKNOCK-EGRESS -d %s/32 -j RETURN\n-A KUBEKNOCK-EGRESS -m comment --comment %s -j DROP\nCOMMIT\n' \
      "$table" "$CLUSTER_CIDR4" "$SERVICE_CIDR" "$UNDERLAY_CIDR4" "$EXTERNAL_IP" "$comment" | in_node "$i" iptables-restore -w --noflush
    in_node "$i" iptables -w -t "$table" -C FORWARD -s "$CLUSTER_CIDR4" -j KUBEKNOCK-EGRESS 2>/dev/null ||
      in_node "$i" iptables -w -t "$table" -I FORWARD 1 -s "$CLUSTER_CIDR4" -j KUBEKNOCK-EGRESS
    # IPv6 also lets link-local and multicast through: neighbour discovery between two pods of a node
    # is bridged, so it passes FORWARD (bridge netfilter); neither is ever routed off a link.
    printf '*%s\n:KUBEKNOCK-EGRESS - [0:0]\n-A KUBEKNOCK-EGRESS -d %s -j RETURN\n-A KUBEKNOCK-EGRESS -d %s -j RETURN\n-A KUBEKNOCK-EGRESS -d %s -j RETURN\n-A KUBEKNOCK-EGRESS -d %s/128 -j RETURN\n-A KUBEKNOCK-EGRESS -d fe80::/10 -j RETURN\n-A KUBEKNOCK-EGRESS -d ff00::/8 -j RETURN\n-A KUBEKNOCK-EGRESS -m comment --comment %s -j DROP\nCOMMIT\n' \
      "$table" "$CLUSTER_CIDR6" "$SERVICE_CIDR6" "$UNDERLAY_CIDR6" "$EXTERNAL_IP6" "$comment" | in_node "$i" ip6tables-restore -w --noflush
    in_node "$i" ip6tables -w -t "$table" -C FORWARD -s "$CLUSTER_CIDR6" -j KUBEKNOCK-EGRESS 2>/dev/null ||
      in_node "$i" ip6tables -w -t "$table" -I FORWARD 1 -s "$CLUSTER_CIDR6" -j KUBEKNOCK-EGRESS
  done
}

# The node's namespace: one veth onto the underlay bridge with its IPv4 and IPv6 node addresses,
# routes to the other nodes' pod networks and to the stand-in external host (nothing else: no
# default route), the pod bridge with both gateway addresses, forwarding on, and the egress guard.
node_network() {
  local i="$1" ns j host_if="kk-n$1"
  ns=$(node_netns "$i")
  [ -e "/run/netns/$ns" ] || ip netns add "$ns"
  if ! ip link show "$host_if" >/dev/null 2>&1; then
    ip link add "$host_if" type veth peer name eth0 netns "$ns"
  fi
  ip link set "$host_if" master "$UNDERLAY_BRIDGE" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr replace "$(node_ip4 "$i")/${UNDERLAY_CIDR4#*/}" dev eth0
  ip -n "$ns" addr replace "$(node_ip6 "$i")/${UNDERLAY_CIDR6#*/}" dev eth0 nodad
  ip -n "$ns" link set eth0 up
  for ((j = 1; j <= NODES; j++)); do
    [ "$j" = "$i" ] && continue
    ip -n "$ns" route replace "$(node_pod_cidr4 "$j")" via "$(node_ip4 "$j")" dev eth0
    ip -n "$ns" -6 route replace "$(node_pod_cidr6 "$j")" via "$(node_ip6 "$j")" dev eth0
  done
  ip -n "$ns" route replace "$EXTERNAL_IP/32" dev eth0
  ip -n "$ns" -6 route replace "$EXTERNAL_IP6/128" dev eth0
  in_node "$i" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
    net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1
  # Created here rather than by the bridge CNI plugin (which reuses it) so that the gateway
  # addresses exist before the first pod.
  ip -n "$ns" link show "$BRIDGE_NAME" >/dev/null 2>&1 || ip -n "$ns" link add "$BRIDGE_NAME" type bridge
  ip -n "$ns" addr replace "$(node_pod_gw4 "$i")/24" dev "$BRIDGE_NAME"
  ip -n "$ns" addr replace "$(node_pod_gw6 "$i")/64" dev "$BRIDGE_NAME" nodad
  ip -n "$ns" link set "$BRIDGE_NAME" up
  # Service addresses from the node itself (hostNetwork pods, our own DNS check in up.sh): a locally
  # sent packet needs a route before kube-proxy's OUTPUT DNAT can rewrite it. Onto the pod bridge, so
  # that an address no Service holds dies there instead of leaving the node.
  ip -n "$ns" route replace "$SERVICE_CIDR" dev "$BRIDGE_NAME" src "$(node_pod_gw4 "$i")"
  ip -n "$ns" -6 route replace "$SERVICE_CIDR6" dev "$BRIDGE_NAME" src "$(node_pod_gw6 "$i")"
  node_egress_guard "$i"
}

# kubelet's cgroup root /kk-node<i> in every mounted v1 hierarchy, named ones included (kubelet checks
# that it exists in each);
# a new cpuset cgroup starts with no CPUs and no memory nodes, so give it the root's.
node_cgroups() {
  local i="$1" c name
  name=$(node_netns "$i")
  for c in /sys/fs/cgroup/*/; do
    [ -e "$c/cgroup.procs" ] || continue
    mkdir -p "$c$name"
  done
  if [ -d "/sys/fs/cgroup/cpuset/$name" ]; then
    [ -n "$(cat "/sys/fs/cgroup/cpuset/$name/cpuset.cpus")" ] || cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset/$name/cpuset.cpus"
    [ -n "$(cat "/sys/fs/cgroup/cpuset/$name/cpuset.mems")" ] || cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset/$name/cpuset.mems"
  fi
}

node_configs() {
  local i="$1" name data run conf
  name=$(node_name "$i")
  data=$(node_data "$i")
  run=$(node_run "$i")
  conf="$STATE_DIR/config/$name"
  mkdir -p "$conf/cni" "$data/kubelet" "$data/pod-logs" "$run"
  write_config "$conf/containerd.toml" "$name-containerd" <<EOF
version = 2
root = "$data/containerd"
state = "$run/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$(node_sock "$i")"

[ttrpc]
  address = "$(node_sock "$i").ttrpc"

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
        Root = "$run/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$conf/cni"
    max_conf_num = 1
EOF
  # Bridge CNI with host-local IPAM, one range per family. No masquerade: pod traffic keeps its pod
  # source address across nodes.
  write_config "$conf/cni/10-kubeknock.conflist" none <<EOF
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
        "dataDir": "$data/cni-ipam",
        "ranges": [
          [{"subnet": "$(node_pod_cidr4 "$i")", "gateway": "$(node_pod_gw4 "$i")"}],
          [{"subnet": "$(node_pod_cidr6 "$i")", "gateway": "$(node_pod_gw6 "$i")"}]
        ],
        "routes": [{"dst": "0.0.0.0/0"}, {"dst": "::/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
  write_config "$conf/kubelet.yaml" "$name-kubelet" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $(node_ip4 "$i")
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
tlsCertFile: $PKI/kubelet-serving-$name.crt
tlsPrivateKeyFile: $PKI/kubelet-serving-$name.key
containerRuntimeEndpoint: unix://$(node_sock "$i")
cgroupDriver: cgroupfs
cgroupRoot: /$name
failCgroupV1: false
failSwapOn: false
clusterDNS:
  - $DNS_SVC_IP
clusterDomain: $CLUSTER_DOMAIN
resolvConf: ""
hairpinMode: hairpin-veth
podLogsDir: $data/pod-logs
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
  write_config "$conf/kube-proxy.yaml" "$name-kube-proxy" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
oomScoreAdj: 0
clientConnection:
  kubeconfig: $STATE_DIR/config/kube-proxy.kubeconfig
hostnameOverride: $name
bindAddress: $(node_ip4 "$i")
clusterCIDR: $CLUSTER_CIDR4,$CLUSTER_CIDR6
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
}

node_start_containerd() {
  local i="$1" name
  name=$(node_name "$i")
  start_daemon "$name-containerd" "$STATE_DIR/config/$name/containerd.toml" \
    nsenter --net="/run/netns/$(node_netns "$i")" -- containerd --config "$STATE_DIR/config/$name/containerd.toml"
}

# Imports every image into node i's containerd (again is cheap and idempotent). Run in the background.
node_import_images() {
  local i="$1" ref tar all
  for ref_tar in "$PAUSE_IMAGE=$PAUSE_TAR" "$BUSYBOX_IMAGE=$BUSYBOX_TAR" "$COREDNS_IMAGE=$COREDNS_TAR"; do
    ref=${ref_tar%%=*}
    tar=${ref_tar#*=}
    node_ctr "$i" images import "$tar" >/dev/null || { log "import of $ref into $(node_name "$i") failed"; return 1; }
  done
  all=$(node_ctr "$i" images ls -q)
  for ref in "$PAUSE_IMAGE" "$BUSYBOX_IMAGE" "$COREDNS_IMAGE"; do
    grep -qx "$ref" <<<"$all" || { log "$ref missing in $(node_name "$i") after import"; return 1; }
  done
}

node_start_kubelet() {
  local i="$1" name
  name=$(node_name "$i")
  start_daemon "$name-kubelet" "$K8S_BIN/kubelet" nsenter --net="/run/netns/$(node_netns "$i")" -- "$K8S_BIN/kubelet" \
    --config="$STATE_DIR/config/$name/kubelet.yaml" --kubeconfig="$STATE_DIR/config/kubelet-$name.kubeconfig" \
    --root-dir="$(node_data "$i")/kubelet" --hostname-override="$name" \
    --node-ip="$(node_ip4 "$i"),$(node_ip6 "$i")" \
    --node-labels="topology.kubernetes.io/zone=$(node_zone "$i"),topology.kubernetes.io/region=kubeknock" --v=1
}

# The node's pod networks go into its spec, as the node IPAM controller would do, but fixed per node
# so that the CNI configuration written before kubelet started agrees with them. Right after the node
# registered, on a cold and busy machine, the API server may fail a request for a moment: the two
# calls are retried for NODE_PATCH_TIMEOUT seconds (a bare kubectl failure under `set -e` once ended
# a cold start with no word of which step failed), then up.sh stops naming the step.
NODE_PATCH_TIMEOUT=60
node_set_pod_cidrs() {
  local i="$1" name have
  name=$(node_name "$i")
  have=$(K get node "$name" -o jsonpath='{.spec.podCIDRs}') || return 1
  [ -n "$have" ] && return 0
  K patch node "$name" --type=merge \
    -p "{\"spec\":{\"podCIDR\":\"$(node_pod_cidr4 "$i")\",\"podCIDRs\":[\"$(node_pod_cidr4 "$i")\",\"$(node_pod_cidr6 "$i")\"]}}" >/dev/null
}
node_pod_cidrs() {
  local i="$1" name
  name=$(node_name "$i")
  wait_for "node $name: podCIDRs $(node_pod_cidr4 "$i"), $(node_pod_cidr6 "$i")" "$NODE_PATCH_TIMEOUT" node_set_pod_cidrs "$i" ||
    die "node $name: could not set its podCIDRs (kubectl get/patch node $name failed for ${NODE_PATCH_TIMEOUT}s; the API server's log: $STATE_DIR/logs/kube-apiserver.log)"
}

node_start_proxies() {
  local i="$1" name ns
  name=$(node_name "$i")
  ns="/run/netns/$(node_netns "$i")"
  start_daemon "$name-kube-proxy" "$K8S_BIN/kube-proxy" nsenter --net="$ns" -- "$K8S_BIN/kube-proxy" \
    --config="$STATE_DIR/config/$name/kube-proxy.yaml" --v=1
  if [ "$ENFORCER" = kube-network-policies ]; then
    node_start_knp "$i"
    return 0
  fi
  # A bed without an enforcer: policies are stored and ignored, as on a CNI that does not enforce them.
  [ "$ENFORCER" != none ] || return 0
  start_daemon "$name-kube-router" "$KUBE_ROUTER_BIN/kube-router" nsenter --net="$ns" -- "$KUBE_ROUTER_BIN/kube-router" \
    --kubeconfig="$STATE_DIR/config/kube-router.kubeconfig" --hostname-override="$name" \
    --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false \
    --enable-ipv4=true --enable-ipv6=true \
    --service-cluster-ip-range="$SERVICE_CIDR" --service-cluster-ip-range="$SERVICE_CIDR6" \
    --metrics-port=0 --health-port=20244 --v=1
}

# kube-network-policies (npa-v1alpha2: NetworkPolicy and ClusterNetworkPolicy) in node i's namespace,
# in place of kube-router (which does nothing else here: routes are static, kube-proxy serves
# Services). Both families are always on. NRI off: containerd 1.6 has no NRI socket, pod IPs come from
# the API server. The netfilter bug 1766 workaround off: it is fixed in kernels from 6.12 on.
# Fail-open and strict mode keep upstream's defaults (true). Metrics on the node's loopback only.
node_start_knp() {
  local i="$1" name
  name=$(node_name "$i")
  start_daemon "$name-kube-network-policies" "$KNP_BIN/kube-network-policies" \
    nsenter --net="/run/netns/$(node_netns "$i")" -- "$KNP_BIN/kube-network-policies" \
    --kubeconfig="$STATE_DIR/config/kube-network-policies.kubeconfig" --hostname-override="$name" \
    --netfilter-bug-1766-fix=false --disable-nri=true \
    --metrics-bind-address="127.0.0.1:$KNP_METRICS_PORT" --v=1
}

# kube-network-policies answers on its metrics endpoint in node i (it has no health endpoint); ends
# up.sh at once (with the log) when it has exited meanwhile.
node_knp_metrics() {
  check_alive "$(node_name "$1")-kube-network-policies" "$KNP_BIN/kube-network-policies"
  in_node "$1" curl -sf -o /dev/null "http://127.0.0.1:$KNP_METRICS_PORT/metrics"
}

# Node i registered; ends up.sh at once (with the log) when its kubelet has exited meanwhile.
node_registered() {
  check_alive "$(node_name "$1")-kubelet" "$K8S_BIN/kubelet"
  K get node "$(node_name "$1")"
}
