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
