#!/usr/bin/env bash
# Packs the Pushgateway that test/metrics/build.sh builds (static, CGO_ENABLED=0) into a single-layer
# image tarball that `ctr images import` understands, for the e2e test whose CronJob audit pushes to a
# Pushgateway running as a pod of the test cluster (nothing can be pulled there). Prints two lines:
# the tarball's path, then the image name.
#   bash test/metrics/build-image.sh
set -euo pipefail
METRICS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MAKE_IMAGE="$METRICS_DIR/../cluster/images/make-image.sh"
log() { echo "pushgateway-image: $*" >&2; }

binary="$(bash "$METRICS_DIR/build.sh" | sed -n 1p)" # sed reads it all: head would end the build script with SIGPIPE under pipefail
version="$(basename "$(dirname "$binary")")"
version="${version#pushgateway-}"
# Upstream's name and tag for the same release: the binary is that release, built from its module.
image="docker.io/prom/pushgateway:$version"
out="$(dirname "$binary")/pushgateway-image.tar"

# Keyed by the binary and the packer, so a rebuilt binary is packed again.
stamp="$(cat "$binary" "$MAKE_IMAGE" | sha256sum | cut -c1-12)"
if [ -f "$out" ] && [ "$(cat "$out.inputs" 2>/dev/null)" = "$stamp" ]; then
  log "$image: cached ($out)"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/rootfs/bin"
  cp "$binary" "$work/rootfs/bin/pushgateway"
  # Upstream's entrypoint; the pod gives its flags as args.
  bash "$MAKE_IMAGE" "$image" "$work/rootfs" "$out.tmp" '["/bin/pushgateway"]' '[]'
  mv "$out.tmp" "$out"
  echo "$stamp" >"$out.inputs"
  log "$image: packed ($(du -h "$out" | cut -f1))"
fi
echo "$out"
echo "$image"
