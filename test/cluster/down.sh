#!/usr/bin/env bash
# Tears the test cluster down: stops every process up.sh started (by pid file), removes pods,
# containers, mounts, network namespaces, iptables chains, ipsets, cgroups and files it created, and
# puts back the host settings it changed. Safe to run when nothing is up.
#   bash test/cluster/down.sh          (npm run cluster:down)
# Not `set -e`: teardown is best-effort and must go on past a step that fails (each failure is logged).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PHASE=down
DOWN_START=$SECONDS
[ "$(id -u)" = 0 ] || die "must run as root"

# The cluster on this machine may have been set up from another checkout: use its state (pid files).
if [ -z "${KUBEKNOCK_STATE:-}" ] && [ -f "$DATA_DIR/owner" ]; then
  owner=$(cat "$DATA_DIR/owner")
  if [ -n "$owner" ] && [ "$owner" != "$STATE_DIR" ] && [ -d "$owner" ]; then
    log "the cluster on this machine was set up from $owner; taking that one down"
    STATE_DIR="$owner"
  fi
fi
mkdir -p "$STATE_DIR/logs" 2>/dev/null || true
# Every node namespace there is (the node count of the cluster that was up may be unknown).
node_ids=$(ip netns list 2>/dev/null | awk '{print $1}' | sed -n 's/^kk-node\([0-9][0-9]*\)$/\1/p' | sort -n)
node_tasks() { # running containers on every node
  local i n=0 c
  for i in $node_ids; do
    [ -S "$(node_sock "$i")" ] || continue
    c=$(node_ctr "$i" tasks ls -q 2>/dev/null | grep -c . || true)
    n=$((n + ${c:-0}))
  done
  echo "$n"
}

apiserver_up() {
  [ -x "$K8S_BIN/kubectl" ] && [ -f "$STATE_DIR/kubeconfig" ] && alive "$(pid_of kube-apiserver)" &&
    K get --raw=/readyz >/dev/null 2>&1
}

# 1. Policy enforcers (kube-router or kube-network-policies, whichever runs), service proxies and
#    controllers (so nothing recreates pods) first. Their iptables rules, ipsets and nftables tables
#    live in the node namespaces and go with them (step 5).
names=()
for i in $node_ids; do names+=("kk-node$i-kube-router" "kk-node$i-kube-network-policies" "kk-node$i-kube-proxy"); done
stop_daemons 10 "${names[@]}" kube-controller-manager kube-scheduler

# 2. Delete every pod through the API so that each kubelet tears its sandboxes down through CNI
#    (releasing IPs, veths and network namespaces).
kubelets=()
for i in $node_ids; do alive "$(pid_of "kk-node$i-kubelet")" && kubelets+=("kk-node$i-kubelet"); done
if apiserver_up && [ ${#kubelets[@]} -gt 0 ]; then
  log "deleting all pods"
  K delete pods --all --all-namespaces --grace-period=0 --force --wait=false >/dev/null 2>&1 || true
  for ((w = 0; w < 60; w++)); do
    n=$(node_tasks)
    [ "$n" -eq 0 ] && break
    sleep 1
  done
  log "pods deleted (running tasks left: $n)"
fi
names=()
for i in $node_ids; do names+=("kk-node$i-kubelet"); done
stop_daemons 15 "${names[@]}"

# 3. Whatever containers remain: kill and remove them through containerd (CNI teardown via CRI is
#    no longer possible without kubelet; their network namespaces are removed below).
for i in $node_ids; do
  [ -S "$(node_sock "$i")" ] || continue
  for t in $(node_ctr "$i" tasks ls -q 2>/dev/null); do
    node_ctr "$i" tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true
  done
  sleep 1
  for t in $(node_ctr "$i" tasks ls -q 2>/dev/null); do
    node_ctr "$i" tasks delete -f "$t" >/dev/null 2>&1 || true
  done
  for c in $(node_ctr "$i" containers ls -q 2>/dev/null); do
    node_ctr "$i" containers delete "$c" >/dev/null 2>&1 || true
  done
done
stop_daemons 15 kube-apiserver
names=()
for i in $node_ids; do names+=("kk-node$i-containerd"); done
stop_daemons 15 etcd "${names[@]}" external-http external-http8080
# Any other pid file left (e.g. from an older layout).
for f in "$STATE_DIR"/pids/*.pid; do
  [ -e "$f" ] && stop_daemons 5 "$(basename "$f" .pid)"
done
# Processes of this cluster that no pid file names: containerd's shims (they outlive containerd by
# design), processes left in the node and stand-in namespaces, and daemons of a cluster whose state
# directory is gone. Each is found by what it runs (a binary from our cache, one of our containerd
# sockets) or where it runs, and ended by pid.
sweep=()
for p in /proc/[0-9]*; do
  pid=${p#/proc/}
  [ "$pid" = $$ ] && continue
  cmd=$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
  case "$cmd" in
    *"-address $RUN_DIR/"*|"$BIN_CACHE/"*|*"containerd --config "*"/containerd.toml"*) sweep+=("$pid") ;;
  esac
done
for ns in "$EXTERNAL_NETNS" $(for i in $node_ids; do node_netns "$i"; done); do
  for pid in $(ip netns pids "$ns" 2>/dev/null || true); do sweep+=("$pid"); done
done
if [ ${#sweep[@]} -gt 0 ]; then
  log "ending ${#sweep[@]} leftover process(es) of the cluster: ${sweep[*]}"
  kill -TERM "${sweep[@]}" 2>/dev/null
  sleep 1
  kill -KILL "${sweep[@]}" 2>/dev/null
fi

# Container processes whose shim is gone (e.g. everything was killed from outside) stay in kubelet's
# pod cgroups: end them by the pids those cgroups list.
for ((w = 0; w < 10; w++)); do
  cg_pids=$(find /sys/fs/cgroup/*/kk-node* /sys/fs/cgroup/*/kubepods -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
  [ -n "$cg_pids" ] || break
  log "ending $(wc -w <<<"$cg_pids") process(es) left in the nodes' cgroups"
  # shellcheck disable=SC2086
  kill -KILL $cg_pids 2>/dev/null
  sleep 0.5
done

# 4. Mounts: kubelet volumes, containerd rootfs/shm, CNI netns bind mounts.
unmount_all() {
  local m
  findmnt -rn -o TARGET | grep -E "^($DATA_DIR|$RUN_DIR|/run/netns/cni-|/var/run/netns/cni-)" | sort -r |
    while read -r m; do
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
    done
}
unmount_all

# 5. Network namespaces and links. A node's namespace takes its veths, pod bridge, routes, iptables
#    rules and ipsets with it; the underlay bridge takes the host's routes to the pod networks.
before_netns=""
[ -f "$DATA_DIR/netns-before" ] && before_netns=$(cat "$DATA_DIR/netns-before")
for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
  case "$ns" in
    "$EXTERNAL_NETNS"|kk-node[0-9]*) ip netns delete "$ns" && log "removed netns $ns" ;;
    cni-*)
      if ! grep -qx "$ns" <<<"$before_netns"; then ip netns delete "$ns" && log "removed netns $ns"; fi
      ;;
  esac
done
for l in kk-ext0 "$UNDERLAY_BRIDGE" "$BRIDGE_NAME" $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed -n 's/@.*//; /^kk-n[0-9]*$/p'); do
  ip link show "$l" >/dev/null 2>&1 && ip link delete "$l" 2>/dev/null && log "removed link $l"
done

# 6. iptables and ipsets on the host: none with this layout; removed in case an older, single-node
#    layout (which ran kube-proxy and kube-router on the host) left some.
remove_chains() { # <iptables|ip6tables> <regex>: unlink and delete matching chains in every table
  local ipt="$1" re="$2" table chain rule
  for table in raw mangle nat filter; do
    $ipt -w -t "$table" -S >/dev/null 2>&1 || continue
    # rules in any chain that jump to a matching chain
    $ipt -w -t "$table" -S | grep -E -- "-j ($re)( |\$)" | grep -E '^-A ' | while read -r rule; do
      # shellcheck disable=SC2086
      eval "$ipt -w -t $table -D ${rule#-A }" 2>/dev/null || true
    done
    for chain in $($ipt -w -t "$table" -S | awk '$1=="-N"{print $2}' | grep -E "^($re)\$"); do
      $ipt -w -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $($ipt -w -t "$table" -S | awk '$1=="-N"{print $2}' | grep -E "^($re)\$"); do
      $ipt -w -t "$table" -X "$chain" 2>/dev/null || log "could not delete $ipt $table $chain"
    done
  done
}
for ipt in iptables ip6tables; do
  remove_chains "$ipt" 'KUBEKNOCK-[A-Z0-9-]+|KUBE-[A-Za-z0-9_-]+'
done
for s in $(ipset list -n 2>/dev/null | grep -E '^(KUBE-|kube-router-|inet6:KUBE-|inet6:kube-router-)'); do
  ipset destroy "$s" 2>/dev/null || log "could not destroy ipset $s"
done
# kube-network-policies' nftables tables belong in the node namespaces; on the host only if it was
# ever started outside one. Only its two tables, by name.
if command -v nft >/dev/null; then
  for t in kube-network-policies kube-network-policies-dnscache; do
    nft list table inet "$t" >/dev/null 2>&1 || continue
    if nft delete table inet "$t"; then log "removed nftables table inet $t"; else log "could not delete nftables table inet $t"; fi
  done
fi

# 7. cgroups kubelet created (cgroup v1, cgroupfs driver): each node's cgroup root, and the host's
#    kubepods of an older layout.
for d in /sys/fs/cgroup/*/kk-node* /sys/fs/cgroup/*/kubepods; do
  [ -d "$d" ] || continue
  find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  [ -d "$d" ] && log "could not remove cgroup $d"
done

# 8. Host settings back as they were.
if [ -f "$DATA_DIR/host-orig" ]; then
  while IFS='=' read -r key val; do
    case "$key" in
      sysctl:*)
        k=${key#sysctl:}
        p="/proc/sys/${k//.//}"
        if [ -e "$p" ] && [ "$(cat "$p")" != "$val" ]; then
          echo "$val" >"$p" 2>/dev/null && log "sysctl $k restored to $val"
        fi
        ;;
      mount-propagation:/)
        if [ "$val" = private ] && [ "$(findmnt -n -o PROPAGATION /)" != private ]; then
          mount --make-private / && log "mount propagation of / restored to private"
        fi
        ;;
      dir:/var/log/containers)
        find /var/log/containers -maxdepth 1 -type l -lname "$DATA_DIR/*" -delete 2>/dev/null
        [ "$val" = created ] && rmdir /var/log/containers 2>/dev/null
        ;;
      dir:/run/containerd)
        [ "$val" = created ] && rm -rf /run/containerd
        ;;
      dir:/var/lib/cni)
        if [ "$val" = created ]; then
          rm -rf /var/lib/cni
        else
          rm -f /var/lib/cni/results/kubeknock-* 2>/dev/null
        fi
        ;;
    esac
  done <"$DATA_DIR/host-orig"
fi

# 9. Files.
unmount_all
[ -d /var/lib/kube-router ] && [ -f "$DATA_DIR/kube-router-dir-created" ] && rm -rf /var/lib/kube-router
# --one-file-system: never follow a mount that could not be removed into another file system.
rm -rf --one-file-system "$DATA_DIR" "$RUN_DIR"
if [ "${KUBEKNOCK_KEEP_LOGS:-0}" = 1 ] && [ -d "$STATE_DIR/logs" ]; then
  mkdir -p /tmp/kubeknock-logs && cp -a "$STATE_DIR/logs/." /tmp/kubeknock-logs/ && log "logs kept in /tmp/kubeknock-logs"
fi
rm -rf "$STATE_DIR"
log "cluster is down in $((SECONDS - DOWN_START)) s"
