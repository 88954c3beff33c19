# host-pkgs closureInfo builder (structured attrs, like nixpkgs' closure-info.nix): writes
# store-paths, registration (nix-store --load-db format) and total-nar-size of the closure.
set -eu -o pipefail
export PATH=/usr/bin:/bin
source "$NIX_BUILD_TOP/.attrs.sh"
attrs="$NIX_BUILD_TOP/.attrs.json"
out=${outputs[out]}
mkdir "$out"
if [[ -n "${empty:-}" ]]; then
  echo 0 > "$out/total-nar-size"
  touch "$out/registration" "$out/store-paths"
else
  jq -r '.closure | map(.narSize) | add' < "$attrs" > "$out/total-nar-size"
  jq -r '.closure | map([.path, .narHash, .narSize, "", (.references | length)] + .references) | add | map("\(.)\n") | add' < "$attrs" | head -n -1 > "$out/registration"
  jq -r '.closure[].path' < "$attrs" > "$out/store-paths"
fi
