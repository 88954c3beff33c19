{ pkgs ? import <nixpkgs> { } }:
let
  nix2aci = import ./nix { inherit pkgs; };
  inherit (nix2aci) mkACI;
in
{
  "2048" = pkgs.callPackage ./2048.nix { inherit mkACI; };
  busybox = pkgs.callPackage ./busybox.nix { inherit mkACI; };
  busybox-static = pkgs.callPackage ./busybox.nix { inherit mkACI; static = true; };
}
