# nix2aci's Nix side: `import ./nix { pkgs = import <nixpkgs> {}; }` (or nix/host-pkgs.nix where
# there is no nixpkgs) gives { mkACI, mkOCI }. See nix/README.md, docs/mkaci-arguments.md and
# docs/oci.md.
{ pkgs }:
{
  mkACI = import ./mkACI.nix { inherit pkgs; };
  mkOCI = import ./mkOCI.nix { inherit pkgs; };
}
