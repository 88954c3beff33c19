# mkOCI's layers (sourced by a runCommand in nix/mkOCI.nix; nixpkgs runs it with `set -eu -o pipefail`).
# Inputs: ociPlan (plan-layers.jq) ociClosure ociReferencedPaths ociMaxLayers ociCompression,
# ociRootfs (nix/rootfs.sh) and that script's inputs.
# Output: $out/blobs/sha256/<digest> per layer and $out/layers.json, the layers bottom first:
# [{ mediaType, digest, size, diffID, paths }] (paths: the store paths, or [] for the top layer).
# Store-path layers only depend on their store paths, so images sharing a path share its layer.
set -eu -o pipefail
export LC_ALL=C
shopt -s dotglob nullglob

die() { echo "nix2aci mkOCI: $*" >&2; exit 1; }
source "$ociRootfs"

work=$PWD/layers
rootfs=$work/rootfs
mkdir -p "$work" "$out/blobs/sha256"

# 1. The root filesystem of the top layer (the closure is in the other layers).
rootfs_lay_out "$rootfs"
rootfs_finish "$rootfs" empty-store

# 2. Which store paths go into which layer (all but the merged tree's roots).
jq -R -s -c --argjson slots "$((ociMaxLayers - 1))" \
  --argjson skip "$(jq -n -c --arg a "$rootfsPackages" --arg b "$ociReferencedPaths" '[$a, $b]')" \
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
# Packs `tar_layer "$@"` into a blob; appends "digest size diffID" to layers.tsv. (Few processes
# per layer: a closure can have a hundred layers.)
add_layer() {
  local diffID digest size rest
  if [ "$ociCompression" = gzip ]; then
    # The diff ID is the hash of the uncompressed tar: a second reader of the stream, through a
    # FIFO (a process substitution inside the pipeline could not be waited for).
    sha256sum < "$work/tar-stream" > "$work/diff-id" &
    hasher=$!
    tar_layer "$@" | tee "$work/tar-stream" | pigz -n -c -p "$cores" > "$work/blob"
    wait "$hasher"
    read -r diffID rest < "$work/diff-id"
  else
    tar_layer "$@" > "$work/blob"
  fi
  read -r digest rest < <(sha256sum < "$work/blob")
  [ "$ociCompression" = gzip ] || diffID=$digest
  size=$(stat -c %s "$work/blob")
  mv "$work/blob" "$out/blobs/sha256/$digest"
  printf '%s %s %s\n' "$digest" "$size" "$diffID" >> "$work/layers.tsv"
}

# Every layer holds nix/ and nix/store/ with the same attributes as the top layer's.
skeleton=$work/skeleton
mkdir -p "$skeleton/nix/store"
mkfifo "$work/tar-stream"
chmod 0755 "$skeleton/nix" "$skeleton/nix/store"
: > "$work/layers.tsv"
store_layer() {
  [ "${#members[@]}" -eq 0 ] || add_layer -C "$skeleton" --no-recursion nix nix/store --recursion -C / "${members[@]}"
}
# plan.json as "layer-index<TAB>store path" lines, grouped by layer in order.
members=()
current=0
while IFS=$'\t' read -r layer path; do
  if [ "$layer" != "$current" ]; then
    store_layer
    members=()
    current=$layer
  fi
  members+=("${path#/}")
done < <(jq -r 'to_entries[] | .key as $i | .value[] | "\($i)\t\(.)"' "$work/plan.json")
store_layer
entries=()
for entry in "$rootfs"/*; do entries+=("${entry##*/}"); done
add_layer -C "$rootfs" "${entries[@]}"

# layers.json: the descriptors, bottom first, with the store paths of each (the top layer: []).
jq -R -s -c --slurpfile plan "$work/plan.json" --arg mediaType "$mediaType" '
  [ split("\n")[] | select(. != "") | split(" ") ] as $layers
  | [ range($layers | length) as $i | {
      $mediaType,
      digest: "sha256:\($layers[$i][0])",
      size: ($layers[$i][1] | tonumber),
      diffID: "sha256:\($layers[$i][2])",
      paths: ($plan[0][$i] // [])
    } ]' "$work/layers.tsv" > "$out/layers.json"
