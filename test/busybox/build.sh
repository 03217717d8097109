#!/usr/bin/env bash
# Builds BusyBox the way the official `busybox` images are built (`make defconfig`, static) from
# Debian's busybox source package. Debian's own busybox-static binary is a reduced build (its nc lacks
# -z, its wget -T crashes), so it is no stand-in for the probe image.
#
# Idempotent: the binary is cached outside the repository, keyed by version. Prints the binary's path
# as the last line of stdout; everything else goes to stderr.
set -euo pipefail

cache_root="${KUBEKNOCK_CACHE:-/var/cache/kubeknock}/busybox"
log() { echo "busybox-build: $*" >&2; }

existing=$(ls -1 "$cache_root"/*/busybox 2>/dev/null | sort -V | tail -n 1 || true)
if [ -n "$existing" ] && [ -x "$existing" ]; then
  echo "$existing"
  exit 0
fi

src_list=/etc/apt/sources.list.d/kubeknock-deb-src.sources
if [ ! -f "$src_list" ]; then
  # Same mirror as the binary packages, source side only.
  log "adding a deb-src entry ($src_list)"
  cat >"$src_list" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

log "apt-get update"
apt-get update -qq >&2
log "installing build tools (and file, which tells a static binary)"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev build-essential file >&2

work=$(mktemp -d /tmp/busybox-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
log "fetching Debian's busybox source"
apt-get source -qq busybox >&2
srcdir=$(find . -maxdepth 1 -type d -name 'busybox-*' | head -n 1)
cd "$srcdir"

version=$(awk -F' *= *' '/^VERSION *=/{v=$2} /^PATCHLEVEL *=/{p=$2} /^SUBLEVEL *=/{s=$2} END{print v"."p"."s}' Makefile)
log "building BusyBox $version (make defconfig, CONFIG_STATIC=y)"
make -s defconfig >&2
sed -i 's/^# CONFIG_STATIC is not set$/CONFIG_STATIC=y/' .config
grep -q '^CONFIG_STATIC=y$' .config || { log "could not enable CONFIG_STATIC"; exit 1; }
make -s -j"$(nproc)" >&2

file busybox 2>/dev/null | grep -q 'statically linked' || { log "the built busybox is not static"; exit 1; }
dest="$cache_root/$version"
mkdir -p "$dest"
install -m 0755 busybox "$dest/busybox.tmp"
mv "$dest/busybox.tmp" "$dest/busybox"
log "built $dest/busybox"
echo "$dest/busybox"
