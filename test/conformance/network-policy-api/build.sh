#!/usr/bin/env bash
# Builds (or reuses from the cache) the network-policy-api conformance suite (sigs.k8s.io/network-policy-api,
# the version pinned in test/cluster/build/kube-network-policies/modules.txt) with sctp-less.patch on it:
#   $KUBEKNOCK_CACHE/bin/network-policy-api-conformance-<version>-p<patch digest>/
#     conformance.test     `go test -c` of the module's ./conformance package, from a patched copy
#     test2json            Go's cmd/test2json: turns the test binary's output into `go test -json` events
#     agnhost-image.tar    the agnhost binary of test/conformance/build.sh plus a static /bin/bash,
#                          named as the suite's fixture asks for it
#     agnhost-image        that name, one line
# next to the `/usr/bin/time -v` report of each build (build-<name>.time). Prints the directory on stdout.
#   bash test/conformance/network-policy-api/build.sh
# Like kube-network-policies' build: a copy of the module's source with the patch on it, built with its
# own go.mod and go.sum (the dependency set its release was tested with); the module cache is read only.
set -euo pipefail
NPA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$NPA_DIR/../../cluster/lib.sh"
PHASE=npa-conformance-build
go_env
if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then PATH="$PATH:/usr/local/go/bin"; fi
command -v go >/dev/null || die "go is not installed (need Go >= 1.26 on PATH to build the suite)"
[ -n "$NPA_VERSION" ] || die "no $NPA_MODULE version in $CLUSTER_DIR/build/kube-network-policies/modules.txt"
patch_file="$NPA_DIR/sctp-less.patch"
patch_sum=$(sha256sum "$patch_file" | cut -c1-8)
out="$BIN_CACHE/network-policy-api-conformance-$NPA_VERSION-p$patch_sum"
mkdir -p "$out" "$GOMODCACHE" "$GOCACHE"

# The image also depends on the agnhost binary and on how it is packed: a stamp of those inputs makes
# a change repack instead of silently reusing an older image.
agnhost_dir=$(bash "$NPA_DIR/../build.sh")
stamp="$( { sha256sum "$agnhost_dir/agnhost" "$CLUSTER_DIR/images/make-image.sh" "$NPA_DIR/build.sh"; } | sha256sum | cut -c1-12)"
[ "$(cat "$out/inputs" 2>/dev/null)" = "$stamp" ] || rm -f "$out/agnhost-image.tar" "$out/agnhost-image"

# timed <name> <dir> <command...>: runs one build step at low priority with its `time -v` report kept.
timed() {
  local name="$1" dir="$2" start=$SECONDS rss
  shift 2
  log "$name: building (a cold build takes minutes)"
  (cd "$dir" && nice -n 10 /usr/bin/time -v -o "$out/build-$name.time" "$@") || die "$name: build failed"
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f MiB", $2/1024}' "$out/build-$name.time")
  log "$name: built in $((SECONDS - start)) s, peak RSS $rss"
}

# The module's source in the module cache (read only), after checking that the download's hash is the
# one modules.txt pins (go also checks it against the checksum database).
want=$(awk -v m="$NPA_MODULE" '$1==m {print $3}' "$CLUSTER_DIR/build/kube-network-policies/modules.txt")
json=$(cd / && go mod download -json "$NPA_MODULE@$NPA_VERSION") || die "$NPA_MODULE@$NPA_VERSION: go mod download failed"
sum=$(awk -F'"' '$2=="Sum" {print $4}' <<<"$json")
src=$(awk -F'"' '$2=="Dir" {print $4}' <<<"$json")
[ "$sum" = "$want" ] || die "$NPA_MODULE@$NPA_VERSION: hash $sum, but modules.txt pins $want"
[ -d "$src" ] || die "$NPA_MODULE@$NPA_VERSION: no source directory in the module cache"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -x "$out/conformance.test" ]; then
  log "conformance.test: cached ($out/conformance.test)"
else
  cp -r "$src" "$work/src"
  chmod -R u+w "$work/src"
  patch -s -p1 -d "$work/src" <"$patch_file" ||
    die "$(basename "$patch_file") does not apply to $NPA_MODULE@$NPA_VERSION"
  log "conformance.test: $(basename "$patch_file") applied to a copy of $NPA_MODULE@$NPA_VERSION"
  timed conformance.test "$work/src" go test -c -p 2 -trimpath -ldflags "-s -w" -o "$out/conformance.test.tmp" ./conformance
  mv "$out/conformance.test.tmp" "$out/conformance.test"
fi

# go test -json is test2json over the test binary's output; with the binary prebuilt, run.sh needs
# test2json itself (the toolchain's own, so run.sh needs no Go).
if [ -x "$out/test2json" ]; then
  log "test2json: cached ($out/test2json)"
else
  timed test2json / go build -trimpath -ldflags "-s -w" -o "$out/test2json.tmp" cmd/test2json
  mv "$out/test2json.tmp" "$out/test2json"
fi

# The fixture's pods ask for this image (imagePullPolicy unset, tag not :latest: IfNotPresent), and
# start their servers with /bin/bash -c "/agnhost …": the image is the agnhost binary that the
# upstream NetworkPolicy suite uses (a newer agnhost than 2.45; its serve-hostname, netexec and connect
# take the flags the fixture and the probes pass) plus Debian's static bash, under the fixture's name.
image=$(grep -ohE 'registry\.k8s\.io/e2e-test-images/agnhost:[0-9.]+' "$src/conformance/base/manifests.yaml" | sort -u)
[ "$(wc -l <<<"$image")" = 1 ] && [ -n "$image" ] || die "could not read the one agnhost image name of the base fixture (found: ${image:-none})"
if [ -f "$out/agnhost-image.tar" ]; then
  log "$image: cached ($out/agnhost-image.tar)"
else
  if [ ! -x /bin/bash-static ]; then
    log "installing Debian's bash-static (the fixture's servers run under /bin/bash)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bash-static >&2
  fi
  file -b /bin/bash-static 2>/dev/null | grep -q 'statically linked' ||
    ldd /bin/bash-static 2>&1 | grep -q 'not a dynamic executable' || die "/bin/bash-static is not a static binary"
  mkdir -p "$work/rootfs/bin"
  cp "$agnhost_dir/agnhost" "$work/rootfs/agnhost"
  cp /bin/bash-static "$work/rootfs/bin/bash"
  bash "$CLUSTER_DIR/images/make-image.sh" "$image" "$work/rootfs" "$out/agnhost-image.tar.tmp" '["/agnhost"]' '["pause"]'
  mv "$out/agnhost-image.tar.tmp" "$out/agnhost-image.tar"
  log "$image: packed ($(du -h "$out/agnhost-image.tar" | cut -f1))"
fi
echo "$image" >"$out/agnhost-image"
echo "$stamp" >"$out/inputs"
echo "$out"
