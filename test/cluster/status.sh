#!/usr/bin/env bash
# Shows what of the test cluster is running, component versions and node readiness.
#   bash test/cluster/status.sh          (npm run cluster:status)
# Exit code: 0 when every daemon runs and every node is Ready, 1 otherwise.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PHASE=status
ok=1

# The enforcer up.sh started (a cluster from before it was recorded runs kube-router).
enforcer=$(cat "$STATE_DIR/enforcer" 2>/dev/null || echo kube-router)
echo "== enforcer: $enforcer"
echo "== processes (pid files in $STATE_DIR/pids)"
names=(etcd kube-apiserver kube-controller-manager kube-scheduler external-http external-http8080)
for ((i = 1; i <= $(node_count); i++)); do
  for d in containerd kubelet kube-proxy "$enforcer"; do names+=("$(node_name "$i")-$d"); done
done
for name in "${names[@]}"; do
  f="$STATE_DIR/pids/$name.pid"
  if [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; then
    rss=$(awk '/VmRSS/ {printf "%d MiB", $2/1024}' "/proc/$(cat "$f")/status" 2>/dev/null || echo "?")
    printf '  %-24s running  pid %-8s rss %s\n' "$name" "$(cat "$f")" "$rss"
  else
    printf '  %-24s STOPPED\n' "$name"
    ok=0
  fi
done

echo "== versions"
ver() { if [ -x "$1" ]; then "$@" 2>&1 | sed -n 1p; else echo "not built"; fi; }
printf '  %-24s %s\n' kubernetes "$K8S_VERSION ($(ver "$K8S_BIN/kubelet" --version))"
printf '  %-24s %s\n' etcd "$ETCD_VERSION ($(ver "$ETCD_BIN/etcd" --version))"
printf '  %-24s %s\n' coredns "$COREDNS_VERSION ($(ver "$COREDNS_BIN/coredns" -version))"
# The kube-router that runs (a bed started with KUBE_ROUTER_PATCHES runs another build than the default).
kr_bin="$KUBE_ROUTER_BIN/kube-router"
kr_pid=$(pid_of kk-node1-kube-router || true)
if alive "$kr_pid" && [ -e "/proc/$kr_pid/exe" ]; then kr_bin=$(readlink "/proc/$kr_pid/exe"); fi
printf '  %-24s %s\n' kube-router "$KUBE_ROUTER_VERSION ($(ver "$kr_bin" --version))"
if [ "$enforcer" = kube-network-policies ]; then
  # (it has no --version flag: the cache directory names the version and the patches' digest)
  if [ -x "$KNP_BIN/kube-network-policies" ]; then knp_built="$KNP_BIN/kube-network-policies"; else knp_built="not built"; fi
  printf '  %-24s %s\n' kube-network-policies "$KNP_VERSION-p$KNP_PATCHES_SUM ($knp_built)"
  printf '  %-24s %s\n' network-policy-api "$NPA_VERSION (ClusterNetworkPolicy CRDs in $NPA_CRDS)"
fi
printf '  %-24s %s\n' containerd "$(containerd --version 2>/dev/null | awk '{print $3}')"
printf '  %-24s %s\n' runc "$(runc --version 2>/dev/null | head -n 1 | awk '{print $3}')"
printf '  %-24s %s\n' cni-plugins "$(dpkg-query -W -f='${Version}' containernetworking-plugins 2>/dev/null)"
[ -f "$STATE_DIR/cluster.env" ] && sed 's/^/  /' "$STATE_DIR/cluster.env"

echo "== cluster"
if [ -f "$STATE_DIR/kubeconfig" ] && [ -x "$K8S_BIN/kubectl" ]; then
  if K --request-timeout=5s get nodes -o wide 2>/dev/null; then
    for ((i = 1; i <= $(node_count); i++)); do
      ready=$(K --request-timeout=5s get node "$(node_name "$i")" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
      [ "$ready" = True ] || ok=0
    done
    echo
    K --request-timeout=5s get pods -A -o wide 2>/dev/null || true
  else
    echo "  API server not reachable"
    ok=0
  fi
else
  echo "  no kubeconfig at $STATE_DIR/kubeconfig: cluster is not up"
  ok=0
fi
if [ "$ok" = 1 ]; then echo "== status: UP (KUBECONFIG=$STATE_DIR/kubeconfig)"; else echo "== status: NOT (fully) UP"; exit 1; fi
