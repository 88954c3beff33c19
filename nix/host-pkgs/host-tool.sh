# host-pkgs hostTool builder: copies host programs into $out/bin with the shared libraries they
# need in $out/lib, and points them at the store's glibc (loader and libc), so that an image made
# of the package runs without the host's /usr (as nixpkgs' packages do). Programs that are links
# to one binary (xz/unxz) stay links, so a binary that looks at argv[0] still works.
# Inputs: $programs (names on the host PATH), $glibc (the host-pkgs glibc store path).
set -eu -o pipefail
shopt -s nullglob
mkdir -p "$out/bin" "$out/lib"
interpreter=$glibc/lib/$(cat "$glibc/lib/.interpreter-name")

declare -A copied=() # resolved host file -> program name it was copied as
for program in $programs; do
  host=$(type -P "$program") || { echo "host-pkgs: '$program' is not on the host" >&2; exit 1; }
  real=$(readlink -f "$host")
  if [ "$(head -c 4 "$real" | od -An -c | tr -d ' ')" != '177ELF' ]; then
    echo "host-pkgs: $host is not an ELF binary (a script would need the host's interpreter)" >&2
    exit 1
  fi
  if [ -n "${copied[$real]:-}" ]; then
    ln -s "${copied[$real]}" "$out/bin/$program"
  else
    cp "$real" "$out/bin/$program"
    copied[$real]=$program
  fi
done

# Every library the binaries load (ldd lists the whole closure), but the loader and libc, which
# come from the glibc store path: one libc per image.
for binary in "$out"/bin/*; do
  [ -L "$binary" ] && continue
  ldd "$binary" | while read -r soname arrow path _; do
    [ "$arrow" = "=>" ] && [ -f "$path" ] || continue
    case "$soname" in libc.so.* | ld-linux*) continue ;; esac
    [ -e "$out/lib/$soname" ] || cp "$(readlink -f "$path")" "$out/lib/$soname"
  done
done
chmod 0755 "$out"/bin/* "$out"/lib/* 2>/dev/null || true
for file in "$out"/bin/* "$out"/lib/*; do
  [ -L "$file" ] && continue
  case "$file" in "$out"/bin/*) patchelf --set-interpreter "$interpreter" "$file" ;; esac
  patchelf --set-rpath "$out/lib:$glibc/lib" "$file"
done
chmod 0555 "$out"/bin/* "$out"/lib/* 2>/dev/null || true
rmdir --ignore-fail-on-non-empty "$out/lib"
