#!/usr/bin/env bash
# Smoke test of the test cluster (npm run test:cluster). Asserts each step, exits non-zero on the first
# failure and ends with an "N passed, N failed" line.
#   bash test/cluster/smoke.sh          up (idempotent) -> checks -> down -> check-clean
#   bash test/cluster/smoke.sh --keep   same, but leaves the cluster up (no down/check-clean)
# Targets only cluster pods/services and the stand-in external host in the kk-external netns.
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
[ "$(K get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ] &&
  pass "node $NODE_NAME is Ready" || fail "node $NODE_NAME is not Ready"

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

# One busybox pod per namespace, each serving HTTP on 8080 (as uid 65534) behind a Service "web".
for ns in $NS_A $NS_B; do
  K -n "$ns" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  terminationGracePeriodSeconds: 1
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
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
EOF
done
for ns in $NS_A $NS_B; do
  K -n "$ns" wait --for=condition=Ready pod/web --timeout=90s >/dev/null ||
    { K -n "$ns" describe pod web | tail -n 20 >&2; fail "pod $ns/web did not become Ready"; }
done
pass "busybox pods admitted under Pod Security 'restricted' and Ready in $NS_A and $NS_B"
IP_A=$(K -n $NS_A get pod web -o jsonpath='{.status.podIP}')
IP_B=$(K -n $NS_B get pod web -o jsonpath='{.status.podIP}')
log "pod IPs: $NS_A/web=$IP_A $NS_B/web=$IP_B"
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
# CoreDNS forwards nowhere: a name outside the cluster zone is refused by the cluster DNS itself.
expect closed "DNS: example.com. is not resolved (CoreDNS has no upstream)" $NS_A nslookup -type=a -timeout=2 -retry=1 example.com.
grep -q REFUSED /tmp/kk-smoke-probe.out || fail "expected REFUSED from the cluster DNS for example.com."
expect open "pod $NS_A -> pod $NS_B ($IP_B:8080) TCP" $NS_A nc -z -vv -w 3 "$IP_B" 8080
expect open "pod $NS_B -> pod $NS_A ($IP_A:8080) TCP" $NS_B nc -z -vv -w 3 "$IP_A" 8080
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

phase smoke-external
expect open "pod $NS_A -> stand-in external host $EXTERNAL_IP:8080 TCP" $NS_A nc -z -vv -w 3 "$EXTERNAL_IP" 8080
expect open "pod $NS_A -> stand-in external host http://$EXTERNAL_IP/ HTTP" $NS_A wget -q -T 3 -O - "http://$EXTERNAL_IP/"
grep -q "kubeknock external stand-in" /tmp/kk-smoke-probe.out || fail "the stand-in external host answered with the wrong body"
for tbl in mangle filter; do
  iptables -w -t $tbl -C FORWARD -s "$POD_CIDR" -j KUBEKNOCK-EGRESS 2>/dev/null ||
    fail "egress guard missing in $tbl FORWARD"
  iptables -w -t $tbl -S KUBEKNOCK-EGRESS | grep -q -- '-j DROP' || fail "egress guard chain in $tbl has no DROP"
done
pass "egress guard present in mangle and filter FORWARD (pod traffic cannot leave the machine)"
routes=$(ip -4 route show table all | grep -E '^(local )?203\.0\.113\.' || true)
[ "$routes" = "203.0.113.10 dev kk-ext0 scope link src 10.244.0.1 " ] || [ "$routes" = "203.0.113.10 dev kk-ext0 scope link src 10.244.0.1" ] ||
  fail "the host routes more of 203.0.113.0/24 than the stand-in's /32 (the registries live there): $routes"
pass "only $EXTERNAL_IP/32 is routed to the stand-in external host"
iptables -w -t nat -S | grep -q -- "-s $POD_CIDR.*MASQUERADE" && fail "found a MASQUERADE rule for the pod network"
pass "no MASQUERADE rule for the pod network"

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
