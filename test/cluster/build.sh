#!/usr/bin/env bash
# Builds (or reuses from the cache) the Go binaries of the test cluster.
#   bash test/cluster/build.sh [kubernetes] [etcd] [coredns] [kube-router] [kube-network-policies]
# (default: the first four; kube-network-policies, the second enforcer, only when asked for:
# up.sh --enforcer kube-network-policies asks for it).
# Binaries land in ${KUBEKNOCK_CACHE:-/var/cache/kubeknock}/bin/<component>-<version>/, with the
# `/usr/bin/time -v` report of each cold build next to them (build-<binary>.time).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PHASE=build
go_env
# Go is only needed when something has to be built.
if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then PATH="$PATH:/usr/local/go/bin"; fi
mkdir -p "$GOMODCACHE" "$GOCACHE" "$BIN_CACHE"

# build_one <wrapper dir> <out dir> <binary name> <package> <ldflags> [go build flags...]
build_one() {
  local dir="$1" out="$2" name="$3" pkg="$4" ldflags="$5"
  shift 5
  if [ -x "$out/$name" ]; then
    log "$name: cached ($out/$name)"
    return 0
  fi
  command -v go >/dev/null || die "go is not installed (need Go >= 1.26 on PATH to build $name)"
  mkdir -p "$out"
  log "$name: building $pkg (cold builds take minutes)"
  local start=$SECONDS
  (cd "$dir" && /usr/bin/time -v -o "$out/build-$name.time" \
    go build -p 2 -trimpath "$@" -ldflags "-s -w $ldflags" -o "$out/$name.tmp" "$pkg") \
    || die "$name: go build failed"
  mv "$out/$name.tmp" "$out/$name"
  local rss
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f MiB", $2/1024}' "$out/build-$name.time")
  log "$name: built in $((SECONDS - start)) s, peak RSS $rss"
}

build_kubernetes() {
  local v="$K8S_VERSION" minor
  minor=$(echo "$v" | cut -d. -f2)
  local date; date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local ld=""
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
    build_one "$CLUSTER_DIR/build/kubernetes" "$K8S_BIN" "$b" "k8s.io/kubernetes/cmd/$b" "$ld"
  done
}

build_etcd() {
  build_one "$CLUSTER_DIR/build/etcd" "$ETCD_BIN" etcd go.etcd.io/etcd/server/v3 \
    "-X go.etcd.io/etcd/api/v3/version.GitSHA=release-$ETCD_VERSION"
}

build_coredns() {
  build_one "$CLUSTER_DIR/build/coredns" "$COREDNS_BIN" coredns github.com/coredns/coredns \
    "-X github.com/coredns/coredns/coremain.GitCommit=release-$COREDNS_VERSION"
}

# kube-router with our patches applied: a copy of the module's source with the patches on it, and
# a copy of the wrapper module that replaces the module with that copy (the module cache stays
# read-only and untouched; Go refuses overlays of files beneath it).
build_kube_router() {
  local mod dir="$CLUSTER_DIR/build/kube-router" src work p
  mod=$(awk '$1=="require" && $2 ~ /^github.com\/cloudnativelabs\/kube-router/ {print $2}' "$dir/go.mod")
  [ -x "$KUBE_ROUTER_BIN/kube-router" ] && { log "kube-router: cached ($KUBE_ROUTER_BIN/kube-router)"; return 0; }
  command -v go >/dev/null || die "go is not installed (need Go >= 1.26 on PATH to build kube-router)"
  src=$(cd "$dir" && go mod download -json "$mod" | awk -F'"' '$2=="Dir" {print $4}')
  [ -d "$src" ] || die "kube-router: cannot find the module source of $mod"
  work=$(mktemp -d)
  cp -r "$src" "$work/kube-router"
  chmod -R u+w "$work/kube-router"
  for p in "${KUBE_ROUTER_PATCH_FILES[@]}"; do
    [ -f "$p" ] || die "kube-router: no patch $p (KUBE_ROUTER_PATCHES names files of $dir/patches, or says none)"
    patch -s -p1 -d "$work/kube-router" <"$p" || die "kube-router: patch $(basename "$p") does not apply to $mod"
    log "kube-router: patch $(basename "$p") applied"
  done
  mkdir "$work/wrapper"
  cp "$dir/go.mod" "$dir/go.sum" "$dir"/*.go "$work/wrapper/"
  printf '\nreplace %s => %s\n' "$mod" "$work/kube-router" >>"$work/wrapper/go.mod"
  build_one "$work/wrapper" "$KUBE_ROUTER_BIN" kube-router "$mod/cmd/kube-router" \
    "-X $mod/pkg/version.Version=$KUBE_ROUTER_VERSION-kubeknock.p$KUBE_ROUTER_PATCHES_SUM -X $mod/pkg/version.BuildDate=release"
  rm -rf "$work"
}

components=("$@")
[ ${#components[@]} -gt 0 ] || components=(kubernetes etcd coredns kube-router)
total_start=$SECONDS
for c in "${components[@]}"; do
  case "$c" in
    kubernetes) build_kubernetes ;;
    etcd) build_etcd ;;
    coredns) build_coredns ;;
    kube-router) build_kube_router ;;
    kube-network-policies) bash "$CLUSTER_DIR/build/kube-network-policies/build.sh" ;;
    *) die "unknown component $c" ;;
  esac
done
log "done in $((SECONDS - total_start)) s"
