#!/usr/bin/env bash
# The quick start: kubeknock proving one playbook scenario on a real cluster, with one command.
#   npm run demo                 (bash test/cluster/demo.sh [--keep])
#
# Which cluster: the one you configured (--kubeconfig is not taken; KUBECONFIG or ~/.kube/config), or,
# when none is configured, the local test cluster of test/cluster/, brought up if it is not running
# (as root; the first build takes about 15 minutes, later starts about 25 s).
# What it does: applies scenarios/postgres-lockdown/policies.yaml (namespace "production" and one
# NetworkPolicy), runs kubeknock on scenarios/postgres-lockdown.yaml, prints the matrix, then deletes
# the namespace again (--keep leaves it). On a configured cluster it refuses to touch a "production"
# namespace that already exists: the demo never changes what it did not create.
# Exit code: kubeknock's (0 every expectation met, 1 some not, 2 the run could not work).
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$REPO_DIR/test/cluster/lib.sh"
PHASE=demo

SCENARIO="$REPO_DIR/scenarios/postgres-lockdown.yaml"
POLICIES="$REPO_DIR/scenarios/postgres-lockdown/policies.yaml"
DEMO_NAMESPACE=production
keep=0
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    -h | --help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo: unknown argument $arg (only --keep)" >&2; exit 2 ;;
  esac
done

[ -f "$REPO_DIR/dist/cli/entry.js" ] || { echo "demo: kubeknock is not built; run npm ci (or npm run build) first" >&2; exit 2; }

run_args=()
configured=0
if [ -n "${KUBECONFIG:-}" ]; then
  # KUBECONFIG may already name the local test cluster (after npm run cluster:up): that is "local".
  [ "$KUBECONFIG" = "$STATE_DIR/kubeconfig" ] || configured=1
elif [ -f "${HOME:-/nonexistent}/.kube/config" ]; then
  configured=1
fi
if [ "$configured" = 1 ]; then
  where="the cluster of ${KUBECONFIG:-$HOME/.kube/config}"
  command -v kubectl >/dev/null || { echo "demo: kubectl is needed to apply the demo's NetworkPolicy to $where; install it, or unset KUBECONFIG to use the local test cluster" >&2; exit 2; }
  KUBECTL=(kubectl --request-timeout=15s)
  "${KUBECTL[@]}" version >/dev/null 2>&1 || { echo "demo: $where does not answer (kubectl version failed); fix the kubeconfig, or unset KUBECONFIG (and move ~/.kube/config) to use the local test cluster" >&2; exit 2; }
  if "${KUBECTL[@]}" get namespace "$DEMO_NAMESPACE" >/dev/null 2>&1; then
    echo "demo: namespace $DEMO_NAMESPACE already exists in $where; the demo would add a NetworkPolicy to it, so it stops here. Use a scratch cluster, or read README.md and run kubeknock on your own scenario" >&2
    exit 2
  fi
else
  where="the local test cluster"
  if ! bash "$REPO_DIR/test/cluster/status.sh" >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || { echo "demo: no cluster is configured (KUBECONFIG unset, no ~/.kube/config) and starting the local test cluster needs root; run as root, or point KUBECONFIG at a cluster" >&2; exit 2; }
    log "no cluster configured: starting the local test cluster (npm run cluster:up; the first build takes ~15 min)"
    # Everything up.sh says goes to the user (stderr): a failed start must never be silent.
    bash "$REPO_DIR/test/cluster/up.sh" >&2 || die "the local test cluster did not start (its messages are above; npm run cluster:up retries, npm run cluster:down resets)"
  fi
  export KUBECONFIG="$STATE_DIR/kubeconfig"
  KUBECTL=(K --request-timeout=15s)
  # The test cluster cannot pull: use the busybox image it imported.
  busybox_image=$(sed -n 's/^BUSYBOX_IMAGE=//p' "$STATE_DIR/cluster.env")
  run_args=(--image "$busybox_image" --image-pull-policy Never)
fi

cleanup() {
  if [ "$keep" = 1 ]; then
    log "--keep: namespace $DEMO_NAMESPACE stays (kubectl delete -f $POLICIES removes it)"
  else
    log "deleting namespace $DEMO_NAMESPACE"
    "${KUBECTL[@]}" delete -f "$POLICIES" --ignore-not-found --wait=true --timeout=120s >/dev/null 2>&1 ||
      log "could not delete namespace $DEMO_NAMESPACE; run: kubectl delete -f $POLICIES"
  fi
}
trap cleanup EXIT

log "on $where: applying $(basename "$(dirname "$POLICIES")")/policies.yaml (namespace $DEMO_NAMESPACE: only backend may reach postgres on 5432)"
"${KUBECTL[@]}" apply -f "$POLICIES" >/dev/null
log "running: kubeknock run scenarios/postgres-lockdown.yaml ${run_args[*]}"
code=0
"$REPO_DIR/bin/kubeknock" run "$SCENARIO" "${run_args[@]}" || code=$?
exit "$code"
