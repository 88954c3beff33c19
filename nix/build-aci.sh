# mkACI's build (sourced by the runCommand in mkACI.nix; nixpkgs runs it with `set -eu -o pipefail`).
# Inputs: aciManifestPath aciMountsPath aciPasswdPath aciGroupPath aciHostsPath aciHasHosts
# aciExtraCommandsPath aciRootEnv aciReferencedPaths aciClosure aciImageBase aciThin aciCompression
# aciPostprocess. The manifest is written as mkACI.nix computed it (passthru.manifest), untouched.
# Lays out a small rootfs skeleton (the merged packages' top level, /etc, /tmp, /nix/store), then
# streams ONE tar straight into the compressor: the closure of a fat image is read from /nix/store
# in place (renamed to rootfs/nix/store/… by --transform), never copied.
set -eu -o pipefail
export LC_ALL=C
shopt -s dotglob nullglob

die() { echo "nix2aci mkACI: $*" >&2; exit 1; }

work=$PWD/image
rootfs=$work/rootfs
mkdir -p "$rootfs"

# Turns a link to a folder (buildEnv links a folder whole when one package has it) into a real
# folder of links to its entries, so files can be added to it.
unfold() {
  local dir=$1 target entry
  [ -L "$dir" ] || return 0
  target=$(readlink -f "$dir")
  [ -d "$target" ] || die "${dir#"$rootfs"} is a link to something that is not a folder"
  rm "$dir"
  mkdir "$dir"
  for entry in "$target"/*; do ln -s "$entry" "$dir/${entry##*/}"; done
}

# 1. The packages, merged like buildEnv: their top-level entries become the rootfs's.
for entry in "$aciRootEnv"/*; do
  case "${entry##*/}" in
    nix) die "a package has a top-level 'nix' entry, which would hide the image's /nix/store" ;;
  esac
  cp -R --no-dereference -- "$entry" "$rootfs/"
done
chmod -R u+w "$rootfs"

# 2. /etc/passwd, /etc/group (root always) and /etc/hosts replace whatever the packages bring.
unfold "$rootfs/etc"
mkdir -p "$rootfs/etc"
rm -f "$rootfs/etc/passwd" "$rootfs/etc/group"
cp "$aciPasswdPath" "$rootfs/etc/passwd"
cp "$aciGroupPath" "$rootfs/etc/group"
if [ -n "$aciHasHosts" ]; then
  rm -f "$rootfs/etc/hosts"
  cp "$aciHostsPath" "$rootfs/etc/hosts"
fi
unfold "$rootfs/tmp"

# 3. The closure: fat images carry it, thin ones get an empty folder per store path (the manifest
#    from mkACI.nix already names each as a read-only mount point; the .mounts file lists the
#    matching rkt --volume flags).
storePaths=()
while IFS= read -r path; do
  if [ "$path" != "$aciRootEnv" ] && [ "$path" != "$aciReferencedPaths" ]; then storePaths+=("$path"); fi
done < <(sort -u "$aciClosure/store-paths")
mkdir -p "$rootfs/nix/store"
cp "$aciManifestPath" "$work/manifest"
if [ -n "$aciThin" ]; then
  mkdir -p "$out"
  cp "$aciMountsPath" "$out/$aciImageBase.mounts"
  # No process per store path (a closure can have thousands): one mkdir, names by expansion.
  if [ "${#storePaths[@]}" -gt 0 ]; then mkdir -- "${storePaths[@]/#/$rootfs}"; fi
fi

# 4. The user's commands, in the rootfs.
(cd "$rootfs" && source "$aciExtraCommandsPath")

# 5. Modes: everything readable, nothing setuid/setgid or group/world-writable but /tmp (1777).
#    (Store paths are already canonical: 0444/0555, no special bits.)
mkdir -p "$rootfs/tmp"
chmod -R u+rwX,go+rX,go-w,ug-s,a-t "$rootfs"
chmod 1777 "$rootfs/tmp"
if [ -z "$aciThin" ]; then
  leftovers=("$rootfs/nix/store"/*)
  [ "${#leftovers[@]}" -eq 0 ] || die "extraCommands must not write into /nix/store of a fat image"
fi

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
