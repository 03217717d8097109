#!/usr/bin/env bash
# Builds (or reuses from the cache) the two real Prometheus parts the metrics tests run against:
#   $KUBEKNOCK_CACHE/bin/pushgateway-<version>/pushgateway   the Pushgateway, from the Go module proxy
#   $KUBEKNOCK_CACHE/bin/promcheck-<inputs digest>/promcheck  test/metrics/promcheck: Prometheus' own
#                                                            parsers (text format, OpenMetrics) as a CLI
# Both are static (CGO_ENABLED=0). Prints the two paths on stdout (pushgateway first); logs on stderr.
#   bash test/metrics/build.sh
set -euo pipefail
METRICS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${KUBEKNOCK_CACHE:-/var/cache/kubeknock}"
# The newest release the module proxy serves (go list -m -versions github.com/prometheus/pushgateway).
PUSHGATEWAY_VERSION=v1.11.5
log() { echo "metrics-build: $*" >&2; }

if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then PATH="$PATH:/usr/local/go/bin"; fi
command -v go >/dev/null || { log "go is not installed (need Go >= 1.24 on PATH)"; exit 1; }
# Everything under the cache, so a second build is warm; the same layout as test/cluster/lib.sh go_env.
export GOMODCACHE="$CACHE_DIR/go/mod" GOCACHE="$CACHE_DIR/go/build" GOTOOLCHAIN=local CGO_ENABLED=0
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"

pgw_dir="$CACHE_DIR/bin/pushgateway-$PUSHGATEWAY_VERSION"
if [ -x "$pgw_dir/pushgateway" ]; then
  log "pushgateway $PUSHGATEWAY_VERSION: cached"
else
  log "pushgateway $PUSHGATEWAY_VERSION: building (go install; a cold build takes a few minutes)"
  mkdir -p "$pgw_dir"
  # `go install module@version` needs -mod=mod when a GOFLAGS in the environment says otherwise.
  GOFLAGS="-buildvcs=false -mod=mod" GOBIN="$pgw_dir/.tmp" nice -n 10 \
    go install -p 2 -trimpath -ldflags "-s -w" "github.com/prometheus/pushgateway@$PUSHGATEWAY_VERSION" >&2
  mv "$pgw_dir/.tmp/pushgateway" "$pgw_dir/pushgateway"
  rmdir "$pgw_dir/.tmp"
fi

# Keyed by the checker's own files: an edit builds it again instead of reusing an older binary.
stamp="$(cat "$METRICS_DIR/promcheck/go.mod" "$METRICS_DIR/promcheck/go.sum" "$METRICS_DIR/promcheck/main.go" | sha256sum | cut -c1-12)"
check_dir="$CACHE_DIR/bin/promcheck-$stamp"
if [ -x "$check_dir/promcheck" ]; then
  log "promcheck: cached"
else
  log "promcheck: building (Prometheus' parsers; a cold build takes a minute or two)"
  mkdir -p "$check_dir"
  (cd "$METRICS_DIR/promcheck" && GOFLAGS="-buildvcs=false -mod=readonly" nice -n 10 \
    go build -p 2 -trimpath -ldflags "-s -w" -o "$check_dir/promcheck.tmp" .) >&2
  mv "$check_dir/promcheck.tmp" "$check_dir/promcheck"
fi
echo "$pgw_dir/pushgateway"
echo "$check_dir/promcheck"
