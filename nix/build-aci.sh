# mkACI's build (sourced by the runCommand in mkACI.nix; nixpkgs runs it with `set -eu -o pipefail`).
# Inputs: aciManifestPath aciMountsPath aciReferencedPaths aciClosure aciImageBase aciThin
# aciCompression aciPostprocess aciRootfs (nix/rootfs.sh) and that script's inputs. The manifest is
# written as mkACI.nix computed it (passthru.manifest), untouched.
# Lays out a small rootfs skeleton (nix/rootfs.sh: the merged packages' top level, /etc, /tmp,
# /nix/store), then streams ONE tar straight into the compressor: the closure of a fat image is
# read from /nix/store in place (renamed to rootfs/nix/store/… by --transform), never copied.
set -eu -o pipefail
export LC_ALL=C
shopt -s dotglob nullglob

die() { echo "nix2aci mkACI: $*" >&2; exit 1; }
source "$aciRootfs"

work=$PWD/image
rootfs=$work/rootfs

# 1, 2. The packages merged, /etc, /tmp, /nix/store.
rootfs_lay_out "$rootfs"

# 3. The closure: fat images carry it, thin ones get an empty folder per store path (the manifest
#    from mkACI.nix already names each as a read-only mount point; the .mounts file lists the
#    matching rkt --volume flags).
storePaths=()
while IFS= read -r path; do
  if [ "$path" != "$rootfsPackages" ] && [ "$path" != "$aciReferencedPaths" ]; then storePaths+=("$path"); fi
done < <(sort -u "$aciClosure/store-paths")
cp "$aciManifestPath" "$work/manifest"
if [ -n "$aciThin" ]; then
  mkdir -p "$out"
  cp "$aciMountsPath" "$out/$aciImageBase.mounts"
  # No process per store path (a closure can have thousands): one mkdir, names by expansion.
  if [ "${#storePaths[@]}" -gt 0 ]; then mkdir -- "${storePaths[@]/#/$rootfs}"; fi
fi

# 4, 5. The user's commands, in the rootfs; modes. A fat image's /nix/store gets the closure.
rootfs_finish "$rootfs" "$([ -n "$aciThin" ] || echo empty-store)"

# 6. One deterministic tar: manifest first, then the rootfs entry, then everything sorted by name,
#    the store paths in their sorted place under rootfs/nix/store.
members=(-C "$work" manifest --no-recursion rootfs --recursion)
for entry in "$rootfs"/*; do
  members+=("rootfs/${entry##*/}")
  if [ "${entry##*/}" = nix ] && [ -z "$aciThin" ] && [ "${#storePaths[@]}" -gt 0 ]; then
    members+=(-C / "${storePaths[@]#/}" -C "$work")
  fi
done

# Threads as Nix allows (--cores; 0 means all). Neither output below depends on the count.
cores=${NIX_BUILD_CORES:-0}
if [ "$cores" -le 0 ]; then cores=$(nproc); fi
compress() {
  case "$aciCompression" in
    none) cat ;;
    # pigz output does not depend on the number of threads; -n: no name, no timestamp.
    gzip) pigz -n -c -p "$cores" ;;
    bzip2) bzip2 -c -9 ;;
    # Multi-threaded xz output depends on the block size, not on the thread count once it is >= 2
    # (-T1 is a different, single-block format).
    xz) xz -c -6 --block-size=24MiB --threads=$(( cores > 2 ? cores : 2 )) ;;
    *) die "unknown compression '$aciCompression'" ;;
  esac
}

mkdir -p "$out"
tar --create --file=- --format=gnu --sort=name --mtime=@1 \
  --owner=0 --group=0 --numeric-owner --hard-dereference \
  --transform='s,^nix/store/,rootfs/nix/store/,SH' \
  "${members[@]}" | compress > "$out/$aciImageBase.aci"

cp "$aciPostprocess" "$out/postprocess.sh"
chmod 0555 "$out/postprocess.sh"
