#!/usr/bin/env bash
# Validates a built ACI with tools both nixpkgs and nix/host-pkgs.nix offer (bash, coreutils,
# GNU tar with gzip/bzip2/xz, jq): actool is not a nixpkgs package, so the flake's checks run this
# instead. It checks what appc 0.8.11 asks of an image and what nix2aci promises on top:
#   - compression: none, gzip, bzip2 or xz (appc's list);
#   - tar layout: `manifest` is the first member and appears once; every other member is `rootfs`
#     or under `rootfs/`; no `..` component; every member owned by 0/0 (nix2aci's reproducible tar);
#   - manifest: acKind "ImageManifest", a semver acVersion, an AC identifier name, unique label
#     names with the appc os/arch pairs, a non-empty exec whose first element is absolute and
#     resolves (symlinks followed inside the image) to an executable file;
#   - it equals EXPECTED (the derivation's passthru.manifest, as JSON), apart from the store
#     mountPoints of a thin image, which must match MOUNTS (the `.mounts` file) one for one and
#     each have an empty folder in the image.
# Usage: validate-aci.sh IMAGE.aci EXPECTED.json [MOUNTS]   (exit 1 and a message on failure)
# The flake's checks `source` it with these arguments: it must not rely on being executed.
set -euo pipefail

image=$1
expected=$2
mounts=${3:-}

fail() {
  echo "validate-aci: $image: $*" >&2
  exit 1
}

[ -f "$image" ] || fail "no such file"
[ -f "$expected" ] || fail "no expected manifest file '$expected'"

# --- compression: the four appc allows (GNU tar would also read lzma, zstd, …) ---------------------
magic=$(od -An -tx1 -N6 "$image" | tr -d ' \n')
case $magic in
  1f8b*) ;;              # gzip
  425a68*) ;;            # bzip2 ("BZh")
  fd377a585a00) ;;       # xz
  *) [ "$(od -An -c -j257 -N5 "$image" | tr -d ' \n')" = ustar ] ||
       fail "neither an uncompressed tar nor gzip, bzip2 or xz (first bytes: $magic)" ;;
esac

# --- tar layout ---------------------------------------------------------------------------------
# GNU tar reads gzip/bzip2/xz archives itself (it recognises them by their first bytes).
members=$(tar -tf "$image") || fail "not a (compressed) tar archive"
[ -n "$members" ] || fail "the archive has no members"
first=${members%%$'\n'*}
[ "$first" = manifest ] || fail "the first member is '$first', not 'manifest'"
manifests=0
while IFS= read -r member; do
  case $member in
    manifest) manifests=$((manifests + 1)) ;;
    rootfs | rootfs/*) ;;
    *) fail "member '$member' is neither 'manifest' nor under 'rootfs/'" ;;
  esac
  case /$member/ in
    */../*) fail "member '$member' has a '..' component" ;;
  esac
done <<<"$members"
[ "$manifests" -eq 1 ] || fail "'manifest' appears $manifests times"
owners=$(tar --numeric-owner -tvf "$image" | while read -r _mode owner _rest; do echo "$owner"; done | sort -u)
[ "$owners" = 0/0 ] || fail "members are not all owned by 0/0 (found: $(echo $owners))"

# --- manifest: exactly the derivation's passthru.manifest -----------------------------------------
# mkACI checked every argument against the argument table before it wrote this manifest (the
# rules, and a property test that they agree with validateSpec, live there), so equality with
# EXPECTED is the check here: no second list of appc rules.
manifest=$(tar -xOf "$image" manifest)
jq -e 'type == "object"' >/dev/null 2>&1 <<<"$manifest" || fail "the manifest is not a JSON object"
comparison=$(jq -n -r --argjson image "$manifest" --slurpfile expected "$expected" '
  if $image == $expected[0] then "" else "the manifest differs from the expected one:\n\($image | tojson)\n\($expected[0] | tojson)" end')
[ -z "$comparison" ] || fail "$comparison"

# --- thin images: each store mountPoint is a .mounts line and an empty folder ---------------------
store_mounts=$(jq -c '[.app.mountPoints[]? | select(.path | startswith("/nix/store/"))]' <<<"$manifest")
if [ -z "$mounts" ]; then
  [ "$store_mounts" = '[]' ] || fail "a thin image (store mount points in its manifest): give its .mounts file"
else
  listed='[]'
  while IFS= read -r line; do
    [[ $line =~ ^--volume\ ([a-z0-9-]+),kind=host,source=(/nix/store/[^,]+),readOnly=true$ ]] ||
      fail "$mounts: malformed line '$line'"
    name=${BASH_REMATCH[1]} source=${BASH_REMATCH[2]}
    listed=$(jq -c --arg name "$name" --arg path "$source" '. + [{name: $name, path: $path, readOnly: true}]' <<<"$listed")
    grep -qxF "rootfs$source/" <<<"$members" || fail "no empty folder rootfs$source/ for mount '$name'"
    if grep -q "^rootfs$source/." <<<"$members"; then fail "the folder of mount '$name' is not empty"; fi
  done <"$mounts"
  [ "$listed" != '[]' ] || fail "$mounts lists no volume"
  [ "$listed" = "$store_mounts" ] || fail "$mounts does not list the manifest's store mount points, in order"
fi

# --- exec[0] resolves to an executable file inside the image ----------------------------------------
root=$(mktemp -d)
tar -xf "$image" -C "$root" --no-same-owner rootfs
if [ -n "$mounts" ]; then
  # A thin image's store paths come from the host at run time: put them where rkt would mount them.
  jq -r '.[].path' <<<"$store_mounts" | while IFS= read -r source; do cp -R "$source/." "$root/rootfs$source/"; done
fi

# Resolves an absolute path inside a root folder, one component at a time, as the kernel would
# after chroot: absolute symlink targets restart at the root, `..` never leaves it.
resolve_in_root() {
  local root=$1 rest=${2#/} done="" component link hops=0
  while [ -n "$rest" ]; do
    component=${rest%%/*}
    if [ "$component" = "$rest" ]; then rest=""; else rest=${rest#*/}; fi
    case $component in
      "" | .) continue ;;
      ..) done=${done%/*}; continue ;;
    esac
    if [ -L "$root$done/$component" ]; then
      hops=$((hops + 1))
      [ "$hops" -le 40 ] || return 1
      link=$(readlink "$root$done/$component")
      case $link in
        /*) done=""; rest=${link#/}${rest:+/$rest} ;;
        *) rest=$link${rest:+/$rest} ;;
      esac
    else
      done=$done/$component
    fi
  done
  printf '%s\n' "$root$done"
}

exec0=$(jq -r '.app.exec[0]' <<<"$manifest")
target=$(resolve_in_root "$root/rootfs" "$exec0") || fail "app.exec[0] '$exec0': too many symlinks"
[ -f "$target" ] && [ -x "$target" ] || fail "app.exec[0] '$exec0' is not an executable file inside the image"
chmod -R u+w "$root" && rm -rf "$root"
echo "validate-aci: $image: ok ($(wc -l <<<"$members") members, name $(jq -r .name <<<"$manifest"))"
