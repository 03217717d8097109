#!/usr/bin/env bash
# Smoke test of the test cluster (npm run test:cluster). Asserts each step, exits non-zero on the first
# failure and ends with an "N passed, N failed" line.
#   bash test/cluster/smoke.sh          up (idempotent) -> checks -> down -> check-clean
#   bash test/cluster/smoke.sh --keep   same, but leaves the cluster up (no down/check-clean)
# Targets only cluster pods/services and the stand-in external host in the kk-external netns. The two
# web pods run on the first and the last node, so pod, Service and policy checks cross nodes (on a
# one-node cluster they share it); every connectivity check runs over IPv4 and IPv6.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PHASE=smoke
KEEP=0
[ "${1:-}" = --keep ] && KEEP=1
SMOKE_START=$SECONDS
passed=0
failed=0

pass() { passed=$((passed + 1)); log "PASS: $*"; }
fail() {
  failed=$((failed + 1))
  log "FAIL: $*"
  echo "smoke: $passed passed, $failed failed"
  exit 1
}

phase smoke-up
up_start=$SECONDS
bash "$CLUSTER_DIR/up.sh" >/dev/null
log "up took $((SECONDS - up_start)) s"
. "$STATE_DIR/cluster.env"

phase smoke-checks
NODES=$(node_count)
FIRST=$(node_name 1)
LAST=$(node_name "$NODES")
for ((i = 1; i <= NODES; i++)); do
  n=$(node_name "$i")
  [ "$(K get node "$n" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ] ||
    fail "node $n is not Ready"
  addrs=$(K get node "$n" -o jsonpath='{range .status.addresses[?(@.type=="InternalIP")]}{.address} {end}')
  [ "$addrs" = "$(node_ip4 "$i") $(node_ip6 "$i") " ] || fail "node $n has InternalIPs '$addrs', expected $(node_ip4 "$i") and $(node_ip6 "$i")"
  [ "$(K get node "$n" -o jsonpath='{.metadata.labels.topology\.kubernetes\.io/zone}')" = "$(node_zone "$i")" ] ||
    fail "node $n lacks its zone label"
done
[ "$(K get nodes -o name | wc -l)" = "$NODES" ] || fail "expected $NODES nodes, found: $(K get nodes -o name | tr '\n' ' ')"
pass "$NODES node(s) Ready, each with an IPv4 and an IPv6 InternalIP and a zone label"

NS_A=kk-smoke-a
NS_B=kk-smoke-b
for ns in $NS_A $NS_B; do
  K delete namespace "$ns" --ignore-not-found --wait=true --timeout=60s >/dev/null
done
# Both namespaces enforce Pod Security "restricted": the probe pods must be admitted there.
for ns in $NS_A $NS_B; do
  K create namespace "$ns" >/dev/null
  K label namespace "$ns" pod-security.kubernetes.io/enforce=restricted >/dev/null
done

# One busybox pod per namespace, each serving HTTP on 8080 (as uid 65534) behind a dual-stack
# Service "web"; the one in $NS_A on the first node, the one in $NS_B on the last.
for ns in $NS_A $NS_B; do
  if [ "$ns" = $NS_A ]; then node=$FIRST; else node=$LAST; fi
  K -n "$ns" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  terminationGracePeriodSeconds: 1
  nodeSelector: {kubernetes.io/hostname: $node}
  securityContext:
    runAsNonRoot: true
    runAsUser: 65534
    runAsGroup: 65534
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: web
      image: $BUSYBOX_IMAGE
      imagePullPolicy: Never
      command: ["sh", "-c", "mkdir -p /tmp/www && echo hello-from-$ns > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]
      ports: [{name: http, containerPort: 8080}]
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ipFamilyPolicy: RequireDualStack
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
EOF
done
for ns in $NS_A $NS_B; do
  K -n "$ns" wait --for=condition=Ready pod/web --timeout=90s >/dev/null ||
    { K -n "$ns" describe pod web | tail -n 20 >&2; fail "pod $ns/web did not become Ready"; }
done
pass "busybox pods admitted under Pod Security 'restricted' and Ready in $NS_A and $NS_B"
IP_A=$(K -n $NS_A get pod web -o jsonpath='{.status.podIPs[0].ip}')
IP_B=$(K -n $NS_B get pod web -o jsonpath='{.status.podIPs[0].ip}')
IP6_A=$(K -n $NS_A get pod web -o jsonpath='{.status.podIPs[1].ip}')
IP6_B=$(K -n $NS_B get pod web -o jsonpath='{.status.podIPs[1].ip}')
SVC6_B=$(K -n $NS_B get service web -o jsonpath='{.spec.clusterIPs[1]}')
log "pod IPs: $NS_A/web=$IP_A,$IP6_A on $FIRST; $NS_B/web=$IP_B,$IP6_B on $LAST; Service $NS_B/web IPv6 $SVC6_B"
[[ "$IP6_A" == fd00:10:244:1::* && "$IP6_B" == fd00:10:244:$NODES::* && "$SVC6_B" == fd00:10:96::* ]] ||
  fail "pods or Service lack IPv6 addresses of the right ranges"
[ "$(K -n $NS_A get pod web -o jsonpath='{.spec.nodeName}')" = "$FIRST" ] && [ "$(K -n $NS_B get pod web -o jsonpath='{.spec.nodeName}')" = "$LAST" ] ||
  fail "the web pods did not land on $FIRST and $LAST"
pass "pods and Service are dual-stack; the web pods run on $FIRST and $LAST"
bbv=$(K -n $NS_A exec web -- sh -c 'busybox | head -n 1')
log "probe: $bbv"

# probe <ns> <command...>: runs the command in <ns>/web, returns its exit code
probe() { local ns="$1"; shift; K -n "$ns" exec web -- "$@" >/tmp/kk-smoke-probe.out 2>&1; }
# expect <open|closed> <description> <ns> <command...>: retries while the result differs (policy
# programming is asynchronous), at most 15 attempts one second apart; reports the attempt count.
expect() {
  local want="$1" what="$2" ns="$3" i got
  shift 3
  for ((i = 1; i <= 15; i++)); do
    if probe "$ns" "$@"; then got=open; else got=closed; fi
    if [ "$got" = "$want" ]; then
      pass "$what: $want (attempt $i; $(tr '\n' ' ' </tmp/kk-smoke-probe.out | cut -c1-120))"
      return 0
    fi
    sleep 1
  done
  fail "$what: expected $want, got $got after $((i - 1)) attempts: $(tr '\n' ' ' </tmp/kk-smoke-probe.out)"
}

FQDN_A="web.$NS_A.svc.cluster.local"
FQDN_B="web.$NS_B.svc.cluster.local"
expect open "DNS: $FQDN_B resolves from $NS_A" $NS_A nslookup -type=a -timeout=2 -retry=1 "$FQDN_B."
expect open "DNS: $FQDN_B has an AAAA record" $NS_A nslookup -type=aaaa -timeout=2 -retry=1 "$FQDN_B."
grep -q "$SVC6_B" /tmp/kk-smoke-probe.out || fail "the AAAA answer for $FQDN_B is not $SVC6_B"
# CoreDNS forwards nowhere: a name outside the cluster zone is refused by the cluster DNS itself.
expect closed "DNS: example.com. is not resolved (CoreDNS has no upstream)" $NS_A nslookup -type=a -timeout=2 -retry=1 example.com.
grep -q REFUSED /tmp/kk-smoke-probe.out || fail "expected REFUSED from the cluster DNS for example.com."
expect open "pod $NS_A -> pod $NS_B ($IP_B:8080) TCP" $NS_A nc -z -vv -w 3 "$IP_B" 8080
expect open "pod $NS_B -> pod $NS_A ($IP_A:8080) TCP" $NS_B nc -z -vv -w 3 "$IP_A" 8080
expect open "pod $NS_A -> pod $NS_B ([$IP6_B]:8080) TCP over IPv6" $NS_A nc -z -vv -w 3 "$IP6_B" 8080
expect open "pod $NS_B -> pod $NS_A ([$IP6_A]:8080) TCP over IPv6" $NS_B nc -z -vv -w 3 "$IP6_A" 8080
expect open "pod $NS_A -> Service [$SVC6_B]:80 HTTP over IPv6" $NS_A wget -q -T 3 -O - "http://[$SVC6_B]/"
grep -q "hello-from-$NS_B" /tmp/kk-smoke-probe.out || fail "Service [$SVC6_B] answered with the wrong body"
expect open "pod $NS_A -> Service $FQDN_B:80 HTTP" $NS_A wget -q -T 3 -O - "http://$FQDN_B/"
grep -q "hello-from-$NS_B" /tmp/kk-smoke-probe.out || fail "Service $FQDN_B answered with the wrong body"
expect open "pod $NS_B -> Service $FQDN_A:80 HTTP" $NS_B wget -q -T 3 -O - "http://$FQDN_A/"

phase smoke-policy
K -n $NS_B apply -f - >/dev/null <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
spec:
  podSelector: {}
  policyTypes: [Ingress]
EOF
expect closed "after default-deny in $NS_B: pod $NS_A -> pod $NS_B TCP" $NS_A nc -z -vv -w 3 "$IP_B" 8080
expect closed "after default-deny in $NS_B: pod $NS_A -> Service $FQDN_B HTTP" $NS_A wget -q -T 3 -O - "http://$FQDN_B/"
expect closed "after default-deny in $NS_B: pod $NS_A -> pod $NS_B over IPv6" $NS_A nc -z -vv -w 3 "$IP6_B" 8080
expect closed "after default-deny in $NS_B: pod $NS_A -> Service [$SVC6_B] over IPv6" $NS_A wget -q -T 3 -O - "http://[$SVC6_B]/"
expect open "after default-deny in $NS_B: pod $NS_B -> pod $NS_A still open (egress not isolated)" $NS_B nc -z -vv -w 3 "$IP_A" 8080

K -n $NS_B apply -f - >/dev/null <<EOF
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-from-$NS_A
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: $NS_A}
      ports:
        - {protocol: TCP, port: 8080}
EOF
expect open "after allow-from-$NS_A: pod $NS_A -> pod $NS_B TCP" $NS_A nc -z -vv -w 3 "$IP_B" 8080
expect open "after allow-from-$NS_A: pod $NS_A -> Service $FQDN_B HTTP" $NS_A wget -q -T 3 -O - "http://$FQDN_B/"
expect open "after allow-from-$NS_A: pod $NS_A -> pod $NS_B over IPv6" $NS_A nc -z -vv -w 3 "$IP6_B" 8080

phase smoke-external
expect open "pod $NS_A -> stand-in external host $EXTERNAL_IP:8080 TCP" $NS_A nc -z -vv -w 3 "$EXTERNAL_IP" 8080
expect open "pod $NS_A -> stand-in external host http://$EXTERNAL_IP/ HTTP" $NS_A wget -q -T 3 -O - "http://$EXTERNAL_IP/"
grep -q "kubeknock external stand-in" /tmp/kk-smoke-probe.out || fail "the stand-in external host answered with the wrong body"
expect open "pod $NS_A -> stand-in external host http://[$EXTERNAL_IP6]/ HTTP over IPv6" $NS_A wget -q -T 3 -O - "http://[$EXTERNAL_IP6]/"
expect closed "pod $NS_A -> stand-in external host $EXTERNAL_IP:$EXTERNAL_DROP_PORT is dropped" $NS_A nc -z -vv -w 1 "$EXTERNAL_IP" "$EXTERNAL_DROP_PORT"
grep -q "timed out" /tmp/kk-smoke-probe.out || fail "port $EXTERNAL_DROP_PORT of the stand-in should time out: $(cat /tmp/kk-smoke-probe.out)"

phase smoke-safety
for ((i = 1; i <= NODES; i++)); do
  n=$(node_name "$i")
  for fam in 4 6; do
    if [ $fam = 4 ]; then ipt=iptables src=$CLUSTER_CIDR4; else ipt=ip6tables src=$CLUSTER_CIDR6; fi
    for tbl in mangle filter; do
      in_node "$i" $ipt -w -t $tbl -C FORWARD -s "$src" -j KUBEKNOCK-EGRESS 2>/dev/null || fail "$n: egress guard missing in $ipt $tbl FORWARD"
      # Rules are read whole before grep: under pipefail, `| grep -q` fails when grep stops reading early.
      rules=$(in_node "$i" $ipt -w -t $tbl -S KUBEKNOCK-EGRESS)
      grep -q -- '-j DROP' <<<"$rules" || fail "$n: egress guard chain in $ipt $tbl has no DROP"
    done
    [ -z "$(in_node "$i" ip -$fam route show default)" ] || fail "$n has an IPv$fam default route"
  done
  nat4=$(in_node "$i" iptables -w -t nat -S)
  nat6=$(in_node "$i" ip6tables -w -t nat -S)
  grep -q -- "-s $CLUSTER_CIDR4.*MASQUERADE" <<<"$nat4" && fail "$n: found a MASQUERADE rule for the pod network"
  grep -q -- "-s $CLUSTER_CIDR6.*MASQUERADE" <<<"$nat6" && fail "$n: found a MASQUERADE rule for the IPv6 pod network"
done
pass "every node: egress guard in mangle and filter FORWARD for both families, no default route, no MASQUERADE for pods"
routes=$({ ip -4 route show table all; ip -6 route show table all; } | grep -E '203\.0\.113\.|2001:db8:' || true)
[ -z "$routes" ] || fail "the host routes part of the stand-in's documentation ranges (the registries live there): $routes"
pass "the host routes nothing to the stand-in external host"

for ns in $NS_A $NS_B; do
  K delete namespace "$ns" --wait=false >/dev/null
done
rm -f /tmp/kk-smoke-probe.out
log "checks took $((SECONDS - SMOKE_START)) s in total"

if [ "$KEEP" = 0 ]; then
  phase smoke-down
  down_start=$SECONDS
  bash "$CLUSTER_DIR/down.sh"
  log "down took $((SECONDS - down_start)) s"
  bash "$CLUSTER_DIR/check-clean.sh" && pass "down left nothing of the cluster behind" ||
    fail "down left parts of the cluster behind (see above)"
fi
log "smoke test took $((SECONDS - SMOKE_START)) s"
echo "smoke: $passed passed, $failed failed"
