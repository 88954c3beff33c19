# nix2aci's Nix side: `import ./nix { pkgs = import <nixpkgs> {}; }` (or nix/host-pkgs.nix where
# there is no nixpkgs) gives { mkACI }. See nix/README.md and docs/mkaci-arguments.md.
{ pkgs }:
{
  mkACI = import ./mkACI.nix { inherit pkgs; };
}
