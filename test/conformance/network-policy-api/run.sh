#!/usr/bin/env bash
# Runs the network-policy-api conformance suite (sigs.k8s.io/network-policy-api, ClusterNetworkPolicy
# profile; its experimental features claimed when the bed's CRD is the experimental channel) against
# the test cluster, from a copy patched by sctp-less.patch, with the 4 SCTP-only tests skipped, and ends with
#   network-policy-api conformance subtests: N passed, N failed, N skipped (SCTP)
#   network-policy-api conformance: N passed, N failed, N skipped (SCTP)
#   npm run test:conformance:npa                 needs the bed up with --enforcer kube-network-policies
#   npm run test:conformance:npa -- --force      also on another enforcer (it cannot pass there: see below)
# Options: --report-dir DIR (default test/conformance/network-policy-api/.reports), --timeout D (the
# test binary's -test.timeout, default 60m), and after `--` any flag of the test binary (e.g. -- -debug).
# Exit 1 when a test failed, the suite could not start or the counts are off; 2 when the bed's enforcer
# is not kube-network-policies and --force was not given (nothing is changed then).
set -euo pipefail
NPA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$NPA_DIR/../../cluster/lib.sh"
PHASE=npa-conformance

# The suite's size at the pinned version (v0.3.1: 24 standard and 6 experimental tests, 112 subtests;
# counted from its ShortName declarations and t.Run calls, and seen so in a full run):
# the summary says when a run saw fewer, e.g. after a setup failure or the timeout.
EXPECT_TESTS=30
EXPECT_SUBTESTS=112
ROOT_TEST=TestConformanceProfiles

force=0 timeout=60m extra=()
report_dir="$NPA_DIR/.reports"
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --report-dir) report_dir="${2:?--report-dir needs a directory}"; shift ;;
    --timeout) timeout="${2:?--timeout needs a duration, e.g. 60m}"; shift ;;
    --) shift; extra=("$@"); break ;;
    *) die "unknown option $1 (see the head of $0)" ;;
  esac
  shift
done
report_dir=$(realpath -m "$report_dir")

env_file="$STATE_DIR/cluster.env"
[ -f "$env_file" ] || die "no $env_file: bring the test cluster up first (npm run cluster:up -- --enforcer kube-network-policies)"
enforcer=$(bed_env ENFORCER)
enforcer=${enforcer:-kube-router} # a bed from before cluster.env named its enforcer ran kube-router

# The suite counts a denial only when the probe TIMES OUT (agnhost connect prints TIMEOUT): a REFUSED
# denial fails the probe. kube-router rejects denied packets, so it cannot pass even where it denies;
# besides, it does not implement ClusterNetworkPolicy at all (and up.sh installs the CRD only on the
# kube-network-policies profile). With no enforcer nothing is denied. Such a run proves nothing new,
# so it needs --force; refusing changes nothing in the cluster.
if [ "$enforcer" != kube-network-policies ]; then
  why="the bed runs the '$enforcer' enforcer; this suite requires denied connections to TIME OUT (dropped), and counts a REFUSED denial as a failure"
  [ "$enforcer" = kube-router ] && why+=": kube-router rejects denied packets, so the suite cannot pass on it (nor does kube-router implement ClusterNetworkPolicy)"
  [ "$enforcer" = none ] && why+=": with no enforcer nothing is denied, so the suite cannot pass"
  if [ "$force" = 0 ]; then
    log "ERROR: $why."
    log "Start the kube-network-policies profile: npm run cluster:down && npm run cluster:up -- --enforcer kube-network-policies"
    log "(or run it here anyway, expecting failures: npm run test:conformance:npa -- --force)"
    exit 2
  fi
  log "WARNING (--force): $why. Expect every denial to fail."
fi

bed_access
kubeconfig=$bed_kubeconfig sock_list=("${bed_socks[@]}")
# The suite's probes cross nodes only when there are several (the upstream CI uses kind with workers).
[ "${#sock_list[@]}" -ge 2 ] || log "WARNING: the bed has ${#sock_list[@]} node; the suite is meant for a multi-node cluster"

# The suite refuses CRDs of another network-policy-api release (their bundle-version annotation), and
# the standard channel's CRD drops the experimental tests' fields (nodes, named ports): claim the experimental features
# (--all-features) only on the experimental channel, up.sh's default.
kubectl="$K8S_BIN/kubectl"
[ -x "$kubectl" ] || die "no kubectl at $kubectl: build the cluster first (npm run cluster:up)"
crd=clusternetworkpolicies.policy.networking.k8s.io
crd_labels=$("$kubectl" --kubeconfig="$kubeconfig" get crd "$crd" -o go-template='{{index .metadata.annotations "policy.networking.k8s.io/bundle-version"}} {{index .metadata.annotations "policy.networking.k8s.io/channel"}}') ||
  die "the bed has no ClusterNetworkPolicy CRD ($crd); only the kube-network-policies profile installs it (npm run cluster:up -- --enforcer kube-network-policies)"
read -r crd_version crd_channel <<<"$crd_labels"
[ "$crd_version" = "$NPA_VERSION" ] ||
  die "the bed's $crd is network-policy-api ${crd_version:-(no bundle-version)}, the suite $NPA_VERSION: it refuses other releases; restart the bed (npm run cluster:down && npm run cluster:up -- --enforcer kube-network-policies)"
case "$crd_channel" in
  experimental) features=(--all-features) ;;
  standard)
    features=()
    log "the bed's CRD is the standard channel: the 6 experimental tests skip themselves (feature not claimed)"
    ;;
  *) die "the bed's $crd has channel '${crd_channel}', neither standard nor experimental" ;;
esac

[ -x "$REPO_DIR/node_modules/.bin/tsx" ] || die "tsx is missing: run npm ci first (it reads the suite's output)"
report() { (cd "$REPO_DIR" && node_modules/.bin/tsx test/conformance/network-policy-api/report-main.ts "$@"); }
out=$(bash "$NPA_DIR/build.sh")
image=$(cat "$out/agnhost-image")

# Every node's containerd gets the image, so a fixture pod can start on any of them; nothing is pulled.
import_image_on_nodes "$out/agnhost-image.tar" "$image" "${sock_list[@]}"

mkdir -p "$report_dir"
rm -f "$report_dir/events.jsonl" "$report_dir/conformance-report.yaml" "$report_dir/summary.txt"
skip_args=(--root "$ROOT_TEST" --skip-list "$NPA_DIR/sctp-tests.txt")
skip=$(report skip-pattern "${skip_args[@]}")
log "enforcer $enforcer; running the suite (ClusterNetworkPolicy profile, $crd_channel channel; skipping $skip)"
log "events in $report_dir/events.jsonl, the suite's own report in $report_dir/conformance-report.yaml"
case "$enforcer" in
  kube-network-policies) url=https://github.com/kubernetes-sigs/kube-network-policies version="$KNP_VERSION (kubeknock patches p$KNP_PATCHES_SUM)" ;;
  kube-router) url=https://github.com/cloudnativelabs/kube-router version="$KUBE_ROUTER_VERSION (kubeknock patches p$KUBE_ROUTER_PATCHES_SUM)" ;;
  *) url=none version=none ;;
esac
rc=0
# test2json turns the binary's -test.v=test2json output into `go test -json` events; -p names the package.
# The implementation flags (--organization … --additional-info) only label the suite's own report, which
# wants every one of them.
KUBECONFIG="$kubeconfig" "$out/test2json" -t -p sigs.k8s.io/network-policy-api/conformance \
  "$out/conformance.test" -test.v=test2json -test.run "^$ROOT_TEST\$" -test.skip "$skip" -test.timeout "$timeout" \
  --conformance-profiles=ClusterNetworkPolicy "${features[@]}" \
  --organization=kubeknock --project="$enforcer" --url="$url" --version="$version" \
  --contact=none --additional-info="kubeknock test/conformance/network-policy-api/run.sh, SCTP left out" \
  --report-output="$report_dir/conformance-report.yaml" "${extra[@]}" \
  >"$report_dir/events.jsonl" || rc=$?
log "suite exit code $rc"
# The suite's own report counts a test kept out by -test.skip as passed (testing.T.Run returns true
# for a filtered subtest): the counts below, from the events, are the ones to read.
log "bed enforcer: $enforcer"
set +e
report results "$report_dir/events.jsonl" "${skip_args[@]}" --expect-tests "$EXPECT_TESTS" --expect-subtests "$EXPECT_SUBTESTS" |
  tee "$report_dir/summary.txt"
status=${PIPESTATUS[0]}
set -e
exit "$status"
