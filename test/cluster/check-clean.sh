#!/usr/bin/env bash
# Verifies that `down.sh` left nothing of the test cluster behind, of the control plane or of any
# node: no process, mount, network namespace, link, route, iptables chain, ipset, nftables table of
# kube-network-policies, cgroup or runtime directory. Exit 1 listing what is left.
#   bash test/cluster/check-clean.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PHASE=check-clean
left=()

for p in /proc/[0-9]*; do
  cmd=$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null || true)
  [ -n "$cmd" ] || continue
  case "$cmd" in
    "$BIN_CACHE/"*|*"$RUN_DIR/"*|*"/containerd.toml"*|*"$STATE_DIR/external/www"*)
      left+=("process ${p#/proc/}: $cmd") ;;
  esac
done
while read -r m; do
  [ -n "$m" ] && left+=("mount $m")
done < <(findmnt -rn -o TARGET | grep -E "^($DATA_DIR|$RUN_DIR|/run/netns/cni-|/var/run/netns/cni-|$STATE_DIR)" || true)
for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
  case "$ns" in "$EXTERNAL_NETNS"|kk-node*|cni-*) left+=("netns $ns") ;; esac
done
while read -r l; do
  [ -n "$l" ] && left+=("link $l")
done < <(ip -o link show 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | grep -xE "$UNDERLAY_BRIDGE|$BRIDGE_NAME|kk-ext0|kk-n[0-9]+" || true)
while read -r r; do
  [ -n "$r" ] && left+=("route $r")
done < <({ ip -4 route show table all; ip -6 route show table all; } 2>/dev/null |
  grep -E "^(local )?(10\.244\.|10\.250\.0\.|fd00:10:|203\.0\.113\.10|2001:db8:113::)|dev $UNDERLAY_BRIDGE" || true)
for save in iptables-save ip6tables-save; do
  while read -r c; do
    [ -n "$c" ] && left+=("$save chain $c")
  done < <($save 2>/dev/null | awk '/^:/ {print substr($1,2)}' | grep -E '^(KUBE-|KUBEKNOCK-)' || true)
done
while read -r s; do
  [ -n "$s" ] && left+=("ipset $s")
done < <(ipset list -n 2>/dev/null | grep -E '^(inet6:)?(KUBE-|kube-router-)' || true)
if command -v nft >/dev/null; then
  while read -r t; do
    [ -n "$t" ] && left+=("nftables table $t")
  done < <(nft list tables 2>/dev/null | grep -E ' kube-network-policies(-dnscache)?$' || true)
fi
for d in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/*/kk-node*; do
  [ -d "$d" ] && left+=("cgroup $d")
done
for d in "$DATA_DIR" "$RUN_DIR" "$STATE_DIR"; do
  [ -e "$d" ] && left+=("path $d")
done

if [ ${#left[@]} -gt 0 ]; then
  log "the cluster left ${#left[@]} thing(s) behind:"
  printf '  %s\n' "${left[@]}" >&2
  exit 1
fi
log "clean: no process, mount, netns, link, route, iptables chain, ipset, nftables table, cgroup or directory of the cluster (control plane and nodes) is left"
