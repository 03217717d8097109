#!/usr/bin/env bash
# Builds (or reuses from the cache) the upstream NetworkPolicy conformance suite and its test image:
#   $KUBEKNOCK_CACHE/bin/netpol-e2e-<k8s version>/netpol-e2e.test   the netpol specs (go test -c)
#                                              /agnhost             static, CGO_ENABLED=0
#                                              /agnhost-image.tar   docker-save tarball of /agnhost,
#                                                                   named as the suite asks for it
#                                              /agnhost-image       that name, one line
# next to the `/usr/bin/time -v` report of each build (build-<name>.time). Prints the directory on stdout.
#   bash test/conformance/build.sh
set -euo pipefail
CONF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$CONF_DIR/../cluster/lib.sh"
PHASE=conformance-build
go_env
if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then PATH="$PATH:/usr/local/go/bin"; fi

# The suite is built at the Kubernetes version its own wrapper module requires; it should be the one
# the cluster runs (test/cluster/build/kubernetes/go.mod), or the specs test another release's rules.
version="$(awk '$1=="k8s.io/kubernetes" && $2 ~ /^v/ {print $2; exit}' "$CONF_DIR/go.mod")"
[ -n "$version" ] || die "no k8s.io/kubernetes requirement in $CONF_DIR/go.mod"
[ "$version" = "$K8S_VERSION" ] ||
  log "WARNING: the suite is $version but the test cluster builds $K8S_VERSION; align test/conformance/go.mod"
out="$BIN_CACHE/netpol-e2e-$version"
mkdir -p "$out" "$GOMODCACHE" "$GOCACHE"

# Besides the version, the binaries depend on the wrapper's own files: a stamp of their content makes
# an edit of the wrapper rebuild instead of silently reusing an older binary.
stamp="$(cat "$CONF_DIR/go.mod" "$CONF_DIR/go.sum" "$CONF_DIR"/*.go "$CLUSTER_DIR/images/make-image.sh" |
  sha256sum | cut -c1-12)"
if [ "$(cat "$out/inputs" 2>/dev/null)" != "$stamp" ]; then
  rm -f "$out/netpol-e2e.test" "$out/agnhost" "$out/agnhost-image.tar" "$out/agnhost-image"
fi

# timed <name> <command...>: runs one build step at low priority with its `time -v` report kept.
timed() {
  local name="$1" start=$SECONDS rss
  shift
  command -v go >/dev/null || die "go is not installed (need Go >= 1.24 on PATH to build $name)"
  log "$name: building (a cold build takes minutes)"
  (cd "$CONF_DIR" && nice -n 10 /usr/bin/time -v -o "$out/build-$name.time" "$@") || die "$name: build failed"
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f MiB", $2/1024}' "$out/build-$name.time")
  log "$name: built in $((SECONDS - start)) s, peak RSS $rss"
}

minor=$(echo "$version" | cut -d. -f2)
ld="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ld+=" -X $p.gitVersion=$version -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
done

# One build at a time, two compile jobs: the machine has two cores and is shared.
if [ -x "$out/netpol-e2e.test" ]; then
  log "netpol-e2e.test: cached ($out/netpol-e2e.test)"
else
  timed netpol-e2e.test go test -c -p 2 -trimpath -ldflags "$ld" -o "$out/netpol-e2e.test.tmp" .
  mv "$out/netpol-e2e.test.tmp" "$out/netpol-e2e.test"
fi

# The image name and tag come from the suite itself (its image manifest, k8s.io/kubernetes/test/utils/image),
# so the name we import is exactly the one its pods ask for with pull policy IfNotPresent.
image=$("$out/netpol-e2e.test" --list-images | grep -E '^[^ ]+/e2e-test-images/agnhost:[0-9.]+$' || true)
[ "$(wc -l <<<"$image")" = 1 ] && [ -n "$image" ] || die "could not read the agnhost image name from --list-images"
tag="${image##*:}"

if [ -x "$out/agnhost" ]; then
  log "agnhost: cached ($out/agnhost)"
else
  # Version as upstream's Makefile stamps it (test/images/agnhost/VERSION), so `agnhost --version` tells.
  timed agnhost go build -p 2 -trimpath -ldflags "-s -w -X main.Version=$tag" -o "$out/agnhost.tmp" \
    k8s.io/kubernetes/test/images/agnhost
  mv "$out/agnhost.tmp" "$out/agnhost"
fi

if [ -f "$out/agnhost-image.tar" ]; then
  log "$image: cached ($out/agnhost-image.tar)"
else
  # The upstream image is Alpine with many extras; the netpol specs only ever run `/agnhost serve-hostname`
  # and `/agnhost porter` (servers) and `/agnhost connect` (probes), always with an explicit command.
  # Entrypoint and Cmd are upstream's anyway, so a pod without a command behaves the same.
  t=$(mktemp -d)
  trap 'rm -rf "$t"' EXIT
  mkdir -p "$t/rootfs"
  cp "$out/agnhost" "$t/rootfs/agnhost"
  bash "$CLUSTER_DIR/images/make-image.sh" "$image" "$t/rootfs" "$out/agnhost-image.tar.tmp" '["/agnhost"]' '["pause"]'
  mv "$out/agnhost-image.tar.tmp" "$out/agnhost-image.tar"
  log "$image: packed ($(du -h "$out/agnhost-image.tar" | cut -f1))"
fi
echo "$image" >"$out/agnhost-image"
echo "$stamp" >"$out/inputs"
echo "$out"
