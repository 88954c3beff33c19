# The root filesystem of an image, for every builder (sourced by build-aci.sh and
# oci/build-layers.sh; the caller defines `die`). Inputs (nix/image-contents.nix's rootfsEnv):
# rootfsPackages rootfsPasswdPath rootfsGroupPath rootfsHostsPath rootfsHasHosts
# rootfsExtraCommandsPath.

# Turns a link to a folder (buildEnv links a folder whole when one package has it) into a real
# folder of links to its entries, so files can be added to it. $1: the folder, $2: the rootfs.
rootfs_unfold() {
  local dir=$1 target entry
  [ -L "$dir" ] || return 0
  target=$(readlink -f "$dir")
  [ -d "$target" ] || die "${dir#"$2"} is a link to something that is not a folder"
  rm "$dir"
  mkdir "$dir"
  for entry in "$target"/*; do ln -s "$entry" "$dir/${entry##*/}"; done
}

# Lays out rootfs $1: the packages merged like buildEnv (their top-level entries become the
# rootfs's), /etc/passwd and /etc/group (root always) and /etc/hosts replacing whatever the
# packages bring, /tmp made a real folder, an empty /nix/store.
rootfs_lay_out() {
  local rootfs=$1 entry
  mkdir -p "$rootfs"
  for entry in "$rootfsPackages"/*; do
    case "${entry##*/}" in
      nix) die "a package has a top-level 'nix' entry, which would hide the image's /nix/store" ;;
    esac
    cp -R --no-dereference -- "$entry" "$rootfs/"
  done
  chmod -R u+w "$rootfs"
  rootfs_unfold "$rootfs/etc" "$rootfs"
  mkdir -p "$rootfs/etc"
  rm -f "$rootfs/etc/passwd" "$rootfs/etc/group"
  cp "$rootfsPasswdPath" "$rootfs/etc/passwd"
  cp "$rootfsGroupPath" "$rootfs/etc/group"
  if [ -n "$rootfsHasHosts" ]; then
    rm -f "$rootfs/etc/hosts"
    cp "$rootfsHostsPath" "$rootfs/etc/hosts"
  fi
  rootfs_unfold "$rootfs/tmp" "$rootfs"
  mkdir -p "$rootfs/nix/store"
}

# Finishes rootfs $1: the user's commands run in it, then modes: everything readable, nothing
# setuid/setgid or group/world-writable but /tmp (1777). (Store paths are already canonical.)
# $2 = "empty-store": /nix/store must still be empty (the closure is not in this rootfs).
rootfs_finish() {
  local rootfs=$1 leftovers
  (cd "$rootfs" && source "$rootfsExtraCommandsPath")
  mkdir -p "$rootfs/tmp"
  chmod -R u+rwX,go+rX,go-w,ug-s,a-t "$rootfs"
  chmod 1777 "$rootfs/tmp"
  if [ "${2:-}" = empty-store ]; then
    leftovers=("$rootfs/nix/store"/*)
    [ "${#leftovers[@]}" -eq 0 ] || die "extraCommands must not write into /nix/store"
  fi
}
