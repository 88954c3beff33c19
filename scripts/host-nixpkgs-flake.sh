#!/usr/bin/env bash
# Assembles in DIR a nixpkgs-shaped flake wrapping nix/host-pkgs.nix, for machines without nixpkgs
# (no network, no binary cache). Use it as `--override-input nixpkgs path:DIR`:
#   scripts/host-nixpkgs-flake.sh /tmp/host-nixpkgs
#   nix flake check --override-input nixpkgs path:/tmp/host-nixpkgs
# It exposes `legacyPackages.<system>` for x86_64-linux and aarch64-linux (built from the host's
# own binaries, so only the host's system really builds). Files are copied, not linked: a path
# flake sees only what is inside DIR, and a flake in a git repository only what git tracks.
# Pure evaluation cannot read /var/lib/dpkg/status: a copy goes into DIR, so host-pkgs versions
# are the installed Debian versions (with `dpkgStatus = null` they would be "unknown", and
# host-pkgs' busybox refuses to build when its banner does not name its version).
set -euo pipefail

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 DIR   (DIR is created if needed; its flake.nix and host-pkgs files are replaced)" >&2
  exit 2
fi
dir=$1
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

mkdir -p "$dir"
rm -rf "$dir/host-pkgs" "$dir/host-pkgs.nix" "$dir/dpkg-status"
cp "$repo/nix/host-pkgs.nix" "$dir/host-pkgs.nix"
cp -R "$repo/nix/host-pkgs" "$dir/host-pkgs"
dpkg_status=null
if [ -f /var/lib/dpkg/status ]; then
  cp /var/lib/dpkg/status "$dir/dpkg-status"
  dpkg_status=./dpkg-status
fi

cat >"$dir/flake.nix" <<NIX
{
  description = "nixpkgs stand-in made from this machine's Debian binaries (nix2aci nix/host-pkgs.nix)";

  outputs = { self }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: builtins.listToAttrs (map (system: { name = system; value = f system; }) systems);
    in
    {
      legacyPackages = forAllSystems (system: import ./host-pkgs.nix { inherit system; dpkgStatus = $dpkg_status; });
    };
}
NIX
