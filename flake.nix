{
  description = "nix2aci: typed specs to Nix-built App Container Images (appc ACIs)";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: builtins.listToAttrs (map (system: { name = system; value = f system; }) systems);
    in
    {
      lib.mkACI = pkgs: (import ./nix { inherit pkgs; }).mkACI;
    };
}
