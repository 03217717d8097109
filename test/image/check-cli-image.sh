#!/usr/bin/env bash
# Checks an image tarball from build-cli-image.sh.
#   bash test/image/check-cli-image.sh [image.oci.tar]           offline: unpack the layers, chroot-run
#   bash test/image/check-cli-image.sh --cluster [image.oci.tar] also import it into the test cluster's
#       containerd and run it once in a throwaway namespace (the cluster must be up: npm run cluster:up)
# Offline: runs as the image's user (65532) in a chroot of its layers: --version, --help, and
# `validate` of the bundled scenarios. Needs root (chroot). Exit 0 only if every check passed.
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
say() { printf 'check-cli-image: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
cluster=0
if [ "${1:-}" = --cluster ]; then cluster=1; shift; fi
VERSION=$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).version' "$REPO_DIR/package.json")
IMAGE="localhost/kubeknock:$VERSION"
TAR="${1:-${KUBEKNOCK_CACHE:-/var/cache/kubeknock}/images/kubeknock-cli-$VERSION.oci.tar}"
[ -f "$TAR" ] || die "$TAR not found: build it with 'bash test/image/build-cli-image.sh'"
[ "$(id -u)" = 0 ] || die "chroot needs root"

work=$(mktemp -d "${TMPDIR:-/tmp}/kubeknock-image-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/oci" "$work/rootfs"
tar -xf "$TAR" -C "$work/oci"
# Layers in manifest order, each checked against its digest and its config diff_id.
layers=$(node -e '
const fs = require("fs"), dir = process.argv[1];
const blob = (d) => JSON.parse(fs.readFileSync(`${dir}/blobs/sha256/${d.slice(7)}`, "utf8"));
const index = JSON.parse(fs.readFileSync(`${dir}/index.json`, "utf8"));
const manifest = blob(index.manifests[0].digest), config = blob(manifest.config.digest);
manifest.layers.forEach((l, i) => console.log(l.digest.slice(7), config.rootfs.diff_ids[i].slice(7)));
' "$work/oci")
while read -r digest diff; do
  f="$work/oci/blobs/sha256/$digest"
  [ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$digest" ] || die "layer $digest: digest mismatch"
  [ "$(gzip -dc "$f" | sha256sum | cut -d' ' -f1)" = "$diff" ] || die "layer $digest: diff_id mismatch"
  tar -xzf "$f" -C "$work/rootfs" --numeric-owner
done <<<"$layers"
say "layers unpacked: $(du -sh "$work/rootfs" | cut -f1) uncompressed"
[ ! -e "$work/rootfs/bin/sh" ] || die "the image has a shell (/bin/sh)"

run() { # as the image would: user 65532, cwd /app, only the image's environment
  (cd "$work/rootfs/app" && env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin NODE_ENV=production \
    chroot --userspec=65532:65532 "$work/rootfs" /nodejs/bin/node /app/dist/cli/entry.js "$@")
}
got=$(run --version) || die "chroot run of --version failed"
[ "$got" = "$VERSION" ] || die "--version printed '$got', expected $VERSION"
say "ok: --version prints $got"
run --help >"$work/help" || die "chroot run of --help failed"
grep -q 'kubeknock <command>' "$work/help" || die "--help printed no usage"
say "ok: --help prints usage"
mapfile -t scenarios < <(cd "$work/rootfs" && find app/scenarios -maxdepth 1 -name '*.yaml' -printf '/%p\n' | LC_ALL=C sort)
run validate "${scenarios[@]}" >"$work/validate" 2>&1 || { cat "$work/validate" >&2; die "validate of the bundled scenarios failed"; }
say "ok: validate of ${#scenarios[@]} bundled scenarios"

[ "$cluster" = 1 ] || exit 0

# --- The test cluster: import with ctr, run once as a pod ---------------------------------------------
. "$REPO_DIR/test/cluster/lib.sh"
# Into every node's containerd: the pod may land on any node, and nothing can be pulled.
nodes=$(node_count)
for ((i = 1; i <= nodes; i++)); do
  [ -S "$(node_sock "$i")" ] || die "no containerd socket at $(node_sock "$i"): the test cluster is not up (npm run cluster:status)"
  node_ctr "$i" images import "$TAR" >/dev/null || die "ctr images import $TAR into $(node_name "$i") failed"
  listed=$(node_ctr "$i" images ls -q) # read whole: under pipefail, `| grep -q` fails when grep stops early
  grep -qx "$IMAGE" <<<"$listed" || die "ctr imported $TAR into $(node_name "$i") but no image is named $IMAGE"
done
say "ok: imported as $IMAGE into $nodes node(s)"
K() { "$K8S_BIN/kubectl" --kubeconfig="$STATE_DIR/kubeconfig" --request-timeout=30s "$@"; }
ns="kk-image-check-$$"
K create namespace "$ns" >/dev/null
trap 'K delete namespace "$ns" --wait=false >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
K -n "$ns" run kubeknock --image="$IMAGE" --image-pull-policy=Never --restart=Never -- --version >/dev/null
phase=""
for _ in $(seq 1 60); do
  phase=$(K -n "$ns" get pod kubeknock -o jsonpath='{.status.phase}')
  case "$phase" in Succeeded | Failed) break ;; esac
  sleep 1
done
log=$(K -n "$ns" logs kubeknock 2>&1 || true)
[ "$phase" = Succeeded ] || { K -n "$ns" describe pod kubeknock >&2 || true; die "pod ended $phase; log: $log"; }
[ "$log" = "$VERSION" ] || die "pod log is '$log', expected $VERSION"
say "ok: pod in namespace $ns ran $IMAGE --version: $log"
