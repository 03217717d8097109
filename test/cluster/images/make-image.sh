#!/usr/bin/env bash
# Packs a directory into a single-layer image tarball in `docker save` format, which
# `ctr images import` understands. Deterministic: fixed mtimes and owners.
#   make-image.sh <image ref> <rootfs dir> <output tar> <entrypoint json> <cmd json>
# e.g. make-image.sh docker.io/library/busybox:1.35.0 ./rootfs out.tar 'null' '["sh"]'
set -euo pipefail
ref="$1" rootfs="$2" out="$3" entrypoint="$4" cmd="$5"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$rootfs" -cf "$work/layer.tar" .
layer_sha=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
mv "$work/layer.tar" "$work/$layer_sha.tar"

cat >"$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Entrypoint":$entrypoint,"Cmd":$cmd,"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:$layer_sha"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"kubeknock test/cluster/images/make-image.sh"}]}
JSON
config_sha=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/$config_sha.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s.tar"]}]\n' "$config_sha" "$ref" "$layer_sha" >"$work/manifest.json"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work" -cf "$out.tmp" \
  manifest.json "$config_sha.json" "$layer_sha.tar"
mv "$out.tmp" "$out"
