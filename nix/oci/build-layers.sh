# mkOCI's layers (sourced by a runCommand in nix/mkOCI.nix; nixpkgs runs it with `set -eu -o pipefail`).
# Inputs: ociPlan (plan-layers.jq) ociClosure ociRootEnv ociReferencedPaths ociMaxLayers
# ociCompression, and the root filesystem's inputs ociPasswdPath ociGroupPath ociHostsPath
# ociHasHosts ociExtraCommandsPath.
# Output: $out/blobs/sha256/<digest> per layer and $out/layers.json, the layers bottom first:
# [{ mediaType, digest, size, diffID, paths }] (paths: the store paths, or [] for the top layer).
# Store-path layers only depend on their store paths, so images sharing a path share its layer.
set -eu -o pipefail
export LC_ALL=C
shopt -s dotglob nullglob

die() { echo "nix2aci mkOCI: $*" >&2; exit 1; }

work=$PWD/layers
rootfs=$work/rootfs
mkdir -p "$rootfs" "$out/blobs/sha256"

# 1. The root filesystem of the top layer: the packages merged like buildEnv, /etc, /tmp, an
#    empty /nix/store, the user's commands, normalised modes.
# TODO(after the spec track lands): this is build-aci.sh's steps 1, 2, 4 and 5 for a fat image;
# factor them into one script both builders source.
unfold() {
  local dir=$1 target entry
  [ -L "$dir" ] || return 0
  target=$(readlink -f "$dir")
  [ -d "$target" ] || die "${dir#"$rootfs"} is a link to something that is not a folder"
  rm "$dir"
  mkdir "$dir"
  for entry in "$target"/*; do ln -s "$entry" "$dir/${entry##*/}"; done
}
for entry in "$ociRootEnv"/*; do
  case "${entry##*/}" in
    nix) die "a package has a top-level 'nix' entry, which would hide the image's /nix/store" ;;
  esac
  cp -R --no-dereference -- "$entry" "$rootfs/"
done
chmod -R u+w "$rootfs"
unfold "$rootfs/etc"
mkdir -p "$rootfs/etc"
rm -f "$rootfs/etc/passwd" "$rootfs/etc/group"
cp "$ociPasswdPath" "$rootfs/etc/passwd"
cp "$ociGroupPath" "$rootfs/etc/group"
if [ -n "$ociHasHosts" ]; then
  rm -f "$rootfs/etc/hosts"
  cp "$ociHostsPath" "$rootfs/etc/hosts"
fi
unfold "$rootfs/tmp"
mkdir -p "$rootfs/nix/store"
(cd "$rootfs" && source "$ociExtraCommandsPath")
mkdir -p "$rootfs/tmp"
chmod -R u+rwX,go+rX,go-w,ug-s,a-t "$rootfs"
chmod 1777 "$rootfs/tmp"
leftovers=("$rootfs/nix/store"/*)
[ "${#leftovers[@]}" -eq 0 ] || die "extraCommands must not write into /nix/store"

# 2. Which store paths go into which layer (all but the merged tree's roots).
jq -R -s -c --argjson slots "$((ociMaxLayers - 1))" \
  --argjson skip "$(jq -n -c --arg a "$ociRootEnv" --arg b "$ociReferencedPaths" '[$a, $b]')" \
  -f "$ociPlan" "$ociClosure/registration" > "$work/plan.json"

# 3. One deterministic tar per layer (GNU format, members sorted, mtime 1, owner 0:0, hard links
#    resolved: the conventions of the .aci), compressed without name or timestamp.
cores=${NIX_BUILD_CORES:-0}
if [ "$cores" -le 0 ]; then cores=$(nproc); fi
case "$ociCompression" in
  gzip) mediaType=application/vnd.oci.image.layer.v1.tar+gzip ;;
  none) mediaType=application/vnd.oci.image.layer.v1.tar ;;
  *) die "unknown layer compression '$ociCompression'" ;;
esac
tar_layer() {
  tar --create --file=- --format=gnu --sort=name --mtime=@1 \
    --owner=0 --group=0 --numeric-owner --hard-dereference "$@"
}
# Packs `tar_layer "$@"` into a blob and appends its descriptor to layers.jsonl; paths in $paths.
add_layer() {
  local diffID digest size
  if [ "$ociCompression" = gzip ]; then
    tar_layer "$@" | tee >(sha256sum > "$work/diff-id") | pigz -n -c -p "$cores" > "$work/blob"
    wait $!
    diffID=$(cut -d' ' -f1 < "$work/diff-id")
  else
    tar_layer "$@" > "$work/blob"
  fi
  digest=$(sha256sum < "$work/blob" | cut -d' ' -f1)
  [ "$ociCompression" = gzip ] || diffID=$digest
  size=$(stat -c %s "$work/blob")
  mv "$work/blob" "$out/blobs/sha256/$digest"
  jq -n -c --arg mediaType "$mediaType" --arg digest "sha256:$digest" --argjson size "$size" \
    --arg diffID "sha256:$diffID" --argjson paths "$paths" \
    '{ $mediaType, $digest, $size, $diffID, $paths }' >> "$work/layers.jsonl"
}

# Every layer holds nix/ and nix/store/ with the same attributes as the top layer's.
skeleton=$work/skeleton
mkdir -p "$skeleton/nix/store"
chmod 0755 "$skeleton/nix" "$skeleton/nix/store"
: > "$work/layers.jsonl"
count=$(jq length "$work/plan.json")
for ((i = 0; i < count; i++)); do
  paths=$(jq -c ".[$i]" "$work/plan.json")
  mapfile -t members < <(jq -r ".[$i][] | ltrimstr(\"/\")" "$work/plan.json")
  add_layer -C "$skeleton" --no-recursion nix nix/store --recursion -C / "${members[@]}"
done
entries=()
for entry in "$rootfs"/*; do entries+=("${entry##*/}"); done
paths='[]'
add_layer -C "$rootfs" "${entries[@]}"

jq -s -c . "$work/layers.jsonl" > "$out/layers.json"
