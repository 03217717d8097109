#!/usr/bin/env bash
# Builds (or reuses from the cache) kube-network-policies with our local patches, and fetches the
# ClusterNetworkPolicy CRDs of sigs.k8s.io/network-policy-api, both through the Go module proxy at the
# versions and hashes pinned in modules.txt. Run by `bash test/cluster/build.sh kube-network-policies`.
#   $KNP_BIN/kube-network-policies     the cmd/kube-network-policies/npa-v1alpha2 binary (NetworkPolicy
#                                      and ClusterNetworkPolicy, both tiers), static
#   $NPA_CRDS/{standard,experimental}.yaml
# Like kube-router: a copy of the module's source with the patches on it (the module cache stays
# read-only and untouched). Unlike kube-router there is no wrapper module: the copy is built with its
# own go.mod and go.sum, so the dependencies are exactly those of the release.
set -euo pipefail
# shellcheck source=../../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib.sh"
PHASE=build
go_env
if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then PATH="$PATH:/usr/local/go/bin"; fi
DIR="$CLUSTER_DIR/build/kube-network-policies"
mkdir -p "$GOMODCACHE" "$GOCACHE" "$BIN_CACHE"

# fetch <module>: prints the module's source directory in the module cache, after checking that the
# download's hash is the one modules.txt pins (go also checks it against the checksum database).
fetch() {
  local mod="$1" ver want json sum src
  ver=$(awk -v m="$mod" '$1==m {print $2}' "$DIR/modules.txt")
  want=$(awk -v m="$mod" '$1==m {print $3}' "$DIR/modules.txt")
  [ -n "$ver" ] && [ -n "$want" ] || die "$DIR/modules.txt: no version and hash for $mod"
  command -v go >/dev/null || die "go is not installed (need Go >= 1.26 on PATH to fetch $mod)"
  # (run outside any module: go mod download of module@version needs none)
  json=$(cd / && go mod download -json "$mod@$ver") || die "$mod@$ver: go mod download failed"
  sum=$(awk -F'"' '$2=="Sum" {print $4}' <<<"$json")
  src=$(awk -F'"' '$2=="Dir" {print $4}' <<<"$json")
  [ "$sum" = "$want" ] || die "$mod@$ver: hash $sum, but $DIR/modules.txt pins $want"
  [ -d "$src" ] || die "$mod@$ver: no source directory in the module cache"
  echo "$src"
}

build_binary() {
  local out="$KNP_BIN" name=kube-network-policies src work p start rss
  if [ -x "$out/$name" ]; then
    log "$name: cached ($out/$name)"
    return 0
  fi
  src=$(fetch "$KNP_MODULE")
  work=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "rm -rf '$work'" EXIT
  cp -r "$src" "$work/src"
  chmod -R u+w "$work/src"
  for p in "$DIR"/patches/*.patch; do
    [ -e "$p" ] || continue
    patch -s -p1 -d "$work/src" <"$p" || die "$name: patch $(basename "$p") does not apply to $KNP_MODULE@$KNP_VERSION"
    log "$name: patch $(basename "$p") applied"
  done
  mkdir -p "$out"
  log "$name: building $KNP_MODULE@$KNP_VERSION/cmd/kube-network-policies/npa-v1alpha2 (a cold build takes minutes)"
  start=$SECONDS
  (cd "$work/src" && /usr/bin/time -v -o "$out/build-$name.time" \
    go build -p 2 -trimpath -ldflags "-s -w" -o "$out/$name.tmp" ./cmd/kube-network-policies/npa-v1alpha2) ||
    die "$name: go build failed"
  # The patch's own unit test (the bytes of the NFQUEUE target), with the build's warm cache.
  (cd "$work/src" && go test -count=1 ./pkg/nfqueuecompat/ >&9) || die "$name: the unit test of the patch failed"
  mv "$out/$name.tmp" "$out/$name"
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f MiB", $2/1024}' "$out/build-$name.time")
  log "$name: built in $((SECONDS - start)) s, peak RSS $rss"
}

# Both channels of the CRD (one CustomResourceDefinition, clusternetworkpolicies.policy.networking.k8s.io,
# in two variants: up.sh installs one). Kept in the cache, not in the repository: they are upstream's
# generated files, pinned by the module hash above.
fetch_crds() {
  local src ch
  if [ -f "$NPA_CRDS/standard.yaml" ] && [ -f "$NPA_CRDS/experimental.yaml" ]; then
    log "ClusterNetworkPolicy CRDs: cached ($NPA_CRDS)"
    return 0
  fi
  src=$(fetch "$NPA_MODULE")
  mkdir -p "$NPA_CRDS"
  for ch in standard experimental; do
    install -m 0644 "$src/config/crd/$ch/policy.networking.k8s.io_clusternetworkpolicies.yaml" "$NPA_CRDS/$ch.yaml.tmp" ||
      die "$NPA_MODULE@$NPA_VERSION has no $ch ClusterNetworkPolicy CRD"
    mv "$NPA_CRDS/$ch.yaml.tmp" "$NPA_CRDS/$ch.yaml"
  done
  log "ClusterNetworkPolicy CRDs of $NPA_MODULE@$NPA_VERSION: $NPA_CRDS/{standard,experimental}.yaml"
}

build_binary
fetch_crds
