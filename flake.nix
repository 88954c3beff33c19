{
  description = "nix2aci: typed specs to Nix-built App Container Images (appc ACIs)";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";

  # Offline machines without nixpkgs: scripts/host-nixpkgs-flake.sh DIR makes a stand-in, used as
  # `nix flake check --override-input nixpkgs path:DIR`.
  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: builtins.listToAttrs (map (system: { name = system; value = f system; }) systems);

      mkACIFor = pkgs: (import ./nix { inherit pkgs; }).mkACI;

      # The example images (examples/generated, written by nix2aci-gen from examples/pkgs). A thin
      # image's manifest names its closure, which mkACI reads while evaluating it (import from
      # derivation): evaluating one needs a builder for its system, so thin examples are offered
      # for the first system only (the one this flake's checks run on).
      examplesFor = system:
        let
          pkgs = nixpkgs.legacyPackages.${system};
          all = import ./examples/generated { inherit pkgs; inherit (import ./nix { inherit pkgs; }) mkACI mkOCI; };
        in
        if system == builtins.head systems then all
        else removeAttrs all (builtins.filter (name: all.${name}.arguments.thin) (builtins.attrNames all));

      # A derivation that validates one built image (scripts/validate-aci.sh: tar layout, manifest
      # shape, manifest = passthru.manifest, thin mounts, exec[0] inside the image) with tools
      # nixpkgs has: actool is not packaged there.
      validate = pkgs: attr: image:
        pkgs.runCommand "validate-${attr}"
          {
            nativeBuildInputs = [ pkgs.coreutils pkgs.gnutar pkgs.gzip pkgs.bzip2 pkgs.xz pkgs.jq ];
            expectedManifest = builtins.toJSON image.manifest;
            passAsFile = [ "expectedManifest" ];
            inherit image;
            imageFileName = image.imageFileName;
          } ''
          mounts="$image/''${imageFileName%.aci}.mounts"
          [ -e "$mounts" ] || mounts=
          source ${./scripts/validate-aci.sh} "$image/$imageFileName" "$expectedManifestPath" $mounts
          touch "$out"
        '';
    in
    {
      # `nix2aci.lib.mkACI pkgs { name = …; packages = …; exec = …; }` (docs/mkaci-arguments.md).
      lib.mkACI = mkACIFor;
      # The same arguments, an OCI image (docs/oci.md).
      lib.mkOCI = pkgs: (import ./nix { inherit pkgs; }).mkOCI;

      # `pkgs.mkACI` for package sets that apply this overlay.
      overlays.default = final: prev: { mkACI = mkACIFor final; };

      packages = forAllSystems examplesFor;

      # Every example, plus the template's image built with this flake's mkACI (as its users will).
      checks = forAllSystems (system:
        let
          pkgs = nixpkgs.legacyPackages.${system};
          template = import ./templates/flake/nix { inherit pkgs; mkACI = mkACIFor pkgs; };
        in
        # (An OCI example's check is its build: mkOCI writes the layout's digests itself.)
        builtins.mapAttrs (attr: image: if image ? layoutName then image else validate pkgs attr image) (examplesFor system)
        // { templateHello = validate pkgs "templateHello" template.hello; });

      # `nix flake init -t nix2aci`: the `nix2aci-gen init` project with its nix/ already generated
      # (templates/flake.nix: a flake of its own, without inputs, so that it also works offline).
      inherit ((import ./templates/flake.nix).outputs { }) templates;
    };
}
