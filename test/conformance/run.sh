#!/usr/bin/env bash
# Runs the upstream NetworkPolicy e2e specs (k8s.io/kubernetes/test/e2e/network/netpol) against the test
# cluster and ends with `conformance: N passed, N failed` (plus `, N skipped` when the suite skipped any).
#   npm run test:conformance                 every Netpol spec (TCP, UDP; SCTP when the kernel has it)
#   npm run test:conformance -- --ci         the subset of ci-specs.txt (about five minutes)
#   npm run test:conformance -- --list       no cluster: build, then list what would run (dry run)
#   npm run test:conformance -- --enforcer kube-network-policies
#                                            only if the bed runs that enforcer (else exit 2, nothing run)
# Options: --sctp=auto|on|off (default auto: on when this kernel has SCTP), --report-dir DIR (default
# test/conformance/.reports), and after `--` any flag of the e2e binary (e.g. -- --ginkgo.v).
# Needs the cluster up (test/cluster/.state/cluster.env); builds the suite if needed (build.sh).
# Exit 1 when a spec failed, the suite could not start, or the CI subset no longer matches the suite.
set -euo pipefail
CONF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$CONF_DIR/../cluster/lib.sh"
PHASE=conformance

mode=all list=0 sctp=auto extra=() want_enforcer=
report_dir="$CONF_DIR/.reports"
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) mode=ci ;;
    --list) list=1 ;;
    --sctp=auto | --sctp=on | --sctp=off) sctp="${1#--sctp=}" ;;
    --report-dir) report_dir="${2:?--report-dir needs a directory}"; shift ;;
    --enforcer) want_enforcer="${2:-}"; shift ;;
    --enforcer=*) want_enforcer="${1#--enforcer=}" ;;
    --) shift; extra=("$@"); break ;;
    *) die "unknown option $1 (see the head of $0)" ;;
  esac
  shift
done
report_dir=$(realpath -m "$report_dir") # the report reader runs from the repository root

env_file="$STATE_DIR/cluster.env"
# The bed's enforcer (a cluster.env from before it was recorded: kube-router). --enforcer NAME makes a
# run on another profile a refusal before anything is built or run, so a result is never credited to
# the wrong enforcer.
bed_enforcer() { local e; e=$(bed_env ENFORCER); echo "${e:-kube-router}"; }
if [ -n "$want_enforcer" ] && [ "$list" = 0 ]; then
  if [[ " $ENFORCERS " != *" $want_enforcer "* ]]; then
    log "ERROR: --enforcer must be one of: ${ENFORCERS// /, } (not '$want_enforcer')"
    exit 2
  fi
  if [ ! -f "$env_file" ]; then
    log "ERROR: no $env_file: start the $want_enforcer profile first: npm run cluster:up -- --enforcer $want_enforcer"
    exit 2
  fi
  if [ "$(bed_enforcer)" != "$want_enforcer" ]; then
    log "ERROR: the bed runs the $(bed_enforcer) enforcer, --enforcer $want_enforcer asked; nothing was run."
    log "Start that profile: npm run cluster:down && npm run cluster:up -- --enforcer $want_enforcer"
    exit 2
  fi
fi

# The nodes share this machine's kernel, so what it offers is what the pods get. SCTP sockets need the
# sctp module: loaded (/proc/net/sctp, or listed in /proc/net/protocols) or at least loadable.
kernel_has_sctp() {
  [ -d /proc/net/sctp ] || grep -q '^SCTP ' /proc/net/protocols 2>/dev/null ||
    { command -v modprobe >/dev/null && modprobe -n -q sctp 2>/dev/null; }
}

# ginkgo matches --ginkgo.focus against "<suite description> <spec's full name>", so `^` cannot anchor a
# name; the space before it and `$` after it do. Each CI line becomes one such regex, matching only itself.
regex_of() { printf ' %s$' "$(sed 's/[][\\.+*?(){}|^$]/\\&/g' <<<"$1")"; }

selection=()
case "$mode" in
  all) selection+=(--ginkgo.focus=' \[sig-network\] Netpol') ;;
  ci)
    ci_specs=()
    while IFS= read -r line; do
      [[ -z "$line" || "$line" == '#'* ]] || ci_specs+=("$line")
    done <"$CONF_DIR/ci-specs.txt"
    for spec in "${ci_specs[@]}"; do selection+=(--ginkgo.focus="$(regex_of "$spec")"); done
    ;;
esac
case "$sctp" in
  on) log "SCTP: included (--sctp=on)" ;;
  off) log "SCTP: skipped (--sctp=off)" ;;
  auto)
    if kernel_has_sctp; then
      sctp=on
      log "SCTP: this kernel has SCTP; the SCTP specs run"
    else
      sctp=off
      log "SCTP: this kernel has no SCTP (no /proc/net/sctp, no loadable sctp module); the SCTP specs are skipped"
    fi
    ;;
esac
[ "$sctp" = on ] || selection+=(--ginkgo.skip='\[Feature:SCTPConnectivity\]')

expect=()
[ "$mode" = ci ] && expect=(--expect "${#ci_specs[@]}")

out=$(bash "$CONF_DIR/build.sh")
suite="$out/netpol-e2e.test"
image=$(cat "$out/agnhost-image")
report() { (cd "$REPO_DIR" && node_modules/.bin/tsx test/conformance/report-main.ts "$@"); }
[ -x "$REPO_DIR/node_modules/.bin/tsx" ] || die "tsx is missing: run npm ci first (it reads the suite's report)"
mkdir -p "$report_dir"
rm -f "$report_dir/report.json" "$report_dir/junit_01.xml" "$report_dir/e2e.log"

# What the selection picks, by protocol. Needs no cluster: a dry run only walks the spec tree.
if [ "$list" = 1 ]; then
  "$suite" --ginkgo.dry-run --ginkgo.no-color "${selection[@]}" \
    --ginkgo.json-report="$report_dir/report.json" "${extra[@]}" >"$report_dir/e2e.log" 2>&1 ||
    die "the dry run failed; see $report_dir/e2e.log"
  report list "$report_dir/report.json" "${expect[@]}"
  exit
fi

[ -f "$env_file" ] || die "no $env_file: bring the test cluster up first (npm run cluster:up)"
bed_access
kubeconfig=$bed_kubeconfig sock_list=("${bed_socks[@]}")
IFS=, read -r -a node_list <<<"$(bed_env NODES)"
if [ "${#node_list[@]}" -gt 0 ] && [ "${#node_list[@]}" != "${#sock_list[@]}" ]; then
  log "WARNING: $env_file lists ${#node_list[@]} nodes but ${#sock_list[@]} containerd sockets"
fi

# Every node's containerd gets the image, so a test pod can start on any of them; nothing is pulled.
import_image_on_nodes "$out/agnhost-image.tar" "$image" "${sock_list[@]}"

timeout=2h
[ "$mode" = ci ] && timeout=20m
log "running the $mode selection; console log in $report_dir/e2e.log"
rc=0
"$suite" --kubeconfig="$kubeconfig" --provider=skeleton \
  --report-dir="$report_dir" --ginkgo.json-report="$report_dir/report.json" \
  --ginkgo.timeout="$timeout" --ginkgo.no-color "${selection[@]}" "${extra[@]}" 2>&1 |
  tee "$report_dir/e2e.log" >&2 || rc=$?
[ -f "$report_dir/report.json" ] || die "the suite wrote no report (exit $rc); see $report_dir/e2e.log"
log "suite exit code $rc; JUnit report $report_dir/junit_01.xml"

echo "conformance: the bed's enforcer is $(bed_enforcer)"
report results "$report_dir/report.json" "${expect[@]}"
