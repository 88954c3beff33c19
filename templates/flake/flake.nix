{
  description = "images: App Container Images built with nix2aci";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
    nix2aci.url = "github:nix2aci/nix2aci";
    nix2aci.inputs.nixpkgs.follows = "nixpkgs";
  };

  # nix/ is written by `npm run generate` (nix2aci-gen) from specs/. Commit it: a flake only sees
  # the files git tracks. Then `nix build .#hello` builds result/hello-….aci.
  outputs = { self, nixpkgs, nix2aci }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: builtins.listToAttrs (map (system: {
        name = system;
        value = f nixpkgs.legacyPackages.${system};
      }) systems);
    in
    {
      packages = forAllSystems (pkgs: import ./nix {
        inherit pkgs;
        mkACI = nix2aci.lib.mkACI pkgs;
      });
    };
}
