# host-pkgs buildEnv builder: merges the packages in $pkgs into $out as symlinks. A folder that only
# one package has is linked whole; when a second package has it too, the link becomes a real folder
# of links to both (as nixpkgs' builder.pl does). Same file in two packages: an error unless
# ignoreCollisions, or checkCollisionContents and identical bytes and modes.
shopt -s dotglob nullglob

collision() { # old new
  if [ -n "$ignoreCollisions" ]; then return 0; fi
  if [ -n "$checkCollisionContents" ] && [ -e "$1" ] && [ -e "$2" ] &&
    [ "$(stat -L -c %a "$1")" = "$(stat -L -c %a "$2")" ] && cmp -s "$1" "$2"; then
    return 0
  fi
  echo "collision between '$2' and '$1'" >&2
  exit 1
}

link_entries() { # relative-name folder
  local entry
  for entry in "$2"/*; do link_one "$1/${entry##*/}" "$entry"; done
}

link_one() { # relative-name target
  local rel=$1 target=$2 dst="$out$1" old
  case "$rel" in /nix-support | /propagated-build-inputs) return 0 ;; esac
  if [ ! -e "$dst" ] && [ ! -L "$dst" ]; then
    ln -s "$target" "$dst"
  elif [ -L "$dst" ]; then
    old=$(readlink "$dst")
    if [ "$(readlink -f "$old")" = "$(readlink -f "$target")" ]; then return 0; fi
    if [ -d "$old" ] && [ -d "$target" ]; then
      rm "$dst"
      mkdir "$dst"
      link_entries "$rel" "$old"
      link_entries "$rel" "$target"
    else
      collision "$old" "$target"
    fi
  elif [ -d "$dst" ] && [ -d "$target" ]; then
    link_entries "$rel" "$target"
  else
    collision "$dst" "$target"
  fi
}

mkdir "$out"
for pkg in $pkgs; do
  if [ -f "$pkg" ]; then echo "the store path $pkg is a file and can't be merged into an environment" >&2; exit 1; fi
  link_entries "" "$pkg"
done
