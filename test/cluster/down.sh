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
CTR=(ctr --address "$CONTAINERD_SOCK" -n k8s.io)

apiserver_up() {
  [ -x "$K8S_BIN/kubectl" ] && [ -f "$STATE_DIR/kubeconfig" ] && alive "$(pid_of kube-apiserver)" &&
    K get --raw=/readyz >/dev/null 2>&1
}

# 1. Policy enforcer, service proxy and controllers (so nothing recreates pods) first; then
#    kube-router's own cleanup of its iptables/ipset state.
stop_daemons 10 kube-router kube-proxy kube-controller-manager kube-scheduler
if [ -x "$KUBE_ROUTER_BIN/kube-router" ]; then
  log "kube-router --cleanup-config"
  "$KUBE_ROUTER_BIN/kube-router" --cleanup-config >"$STATE_DIR/logs/kube-router-cleanup.log" 2>&1 || true
fi

# 2. Delete every pod through the API so that kubelet tears sandboxes down through CNI (releasing
#    IPs, veths and network namespaces).
if apiserver_up && alive "$(pid_of kubelet)"; then
  log "deleting all pods"
  K delete pods --all --all-namespaces --grace-period=0 --force \
    --wait=false >/dev/null 2>&1 || true
  for ((i = 0; i < 60; i++)); do
    n=$("${CTR[@]}" tasks ls -q 2>/dev/null | grep -c . || true)
    [ "${n:-0}" -eq 0 ] && break
    sleep 1
  done
  log "pods deleted (running tasks left: ${n:-0})"
fi
stop_daemon kubelet 15

# 3. Whatever containers remain: kill and remove them through containerd (CNI teardown via CRI is
#    no longer possible without kubelet; their network namespaces are removed below).
if [ -S "$CONTAINERD_SOCK" ]; then
  for t in $("${CTR[@]}" tasks ls -q 2>/dev/null); do
    "${CTR[@]}" tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true
  done
  sleep 1
  for t in $("${CTR[@]}" tasks ls -q 2>/dev/null); do
    "${CTR[@]}" tasks delete -f "$t" >/dev/null 2>&1 || true
  done
  for c in $("${CTR[@]}" containers ls -q 2>/dev/null); do
    "${CTR[@]}" containers delete "$c" >/dev/null 2>&1 || true
  done
fi
stop_daemons 15 kube-apiserver
stop_daemons 15 etcd containerd external-http external-http8080
# Any other pid file left (e.g. from an older layout).
for f in "$STATE_DIR"/pids/*.pid; do
  [ -e "$f" ] && stop_daemons 5 "$(basename "$f" .pid)"
done
# Processes of this cluster that no pid file names: containerd's shims (they outlive containerd by
# design), servers in the stand-in external host, and daemons of a cluster whose state directory is
# gone. Each is found by what it runs (a binary from our cache, our containerd socket) and ended by pid.
sweep=()
for p in /proc/[0-9]*; do
  pid=${p#/proc/}
  [ "$pid" = $$ ] && continue
  cmd=$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
  case "$cmd" in
    *"-address $CONTAINERD_SOCK "*|*"$BIN_CACHE/"*|*"containerd --config "*"/config/containerd.toml"*) sweep+=("$pid") ;;
  esac
done
ns_pids=$(ip netns pids "$EXTERNAL_NETNS" 2>/dev/null || true)
for pid in $ns_pids; do sweep+=("$pid"); done
if [ ${#sweep[@]} -gt 0 ]; then
  log "ending ${#sweep[@]} leftover process(es) of the cluster: ${sweep[*]}"
  kill -TERM "${sweep[@]}" 2>/dev/null
  sleep 1
  kill -KILL "${sweep[@]}" 2>/dev/null
fi

# Container processes whose shim is gone (e.g. everything was killed from outside) stay in kubelet's
# pod cgroups: end them by the pids those cgroups list.
for ((i = 0; i < 10; i++)); do
  cg_pids=$(find /sys/fs/cgroup/*/kubepods -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
  [ -n "$cg_pids" ] || break
  log "ending $(wc -w <<<"$cg_pids") process(es) left in the kubepods cgroups"
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

# 5. Network namespaces and links.
before_netns=""
[ -f "$DATA_DIR/netns-before" ] && before_netns=$(cat "$DATA_DIR/netns-before")
for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
  case "$ns" in
    "$EXTERNAL_NETNS") ip netns delete "$ns" && log "removed netns $ns" ;;
    cni-*)
      if ! grep -qx "$ns" <<<"$before_netns"; then ip netns delete "$ns" && log "removed netns $ns"; fi
      ;;
  esac
done
for l in kk-ext0 "$BRIDGE_NAME"; do
  ip link show "$l" >/dev/null 2>&1 && ip link delete "$l" 2>/dev/null && log "removed link $l"
done

# 6. iptables and ipsets.
if [ -x "$K8S_BIN/kube-proxy" ]; then
  log "kube-proxy --cleanup"
  "$K8S_BIN/kube-proxy" --cleanup >"$STATE_DIR/logs/kube-proxy-cleanup.log" 2>&1 || true
fi
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

# 7. cgroups kubelet created (cgroup v1, cgroupfs driver).
for d in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
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
