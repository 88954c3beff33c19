# mkOCI: an OCI image (layout and oci-archive) from the same arguments as mkACI (the formals of
# nix/lib/arguments.nix, checked by nix/lib: one table, one set of rules), `maxLayers` among them.
# The image config is derived from the appc manifest those arguments describe (nix/oci/config.nix;
# the mapping is in docs/oci.md). Two derivations: the layers (the closure split by store path,
# nix/oci/build-layers.sh) and the image (config, manifest, index, archive:
# nix/oci/build-image.sh), so that changing a label only rebuilds the second, small one.
# Uses only builtins and stable nixpkgs attributes (see nix/README.md), no pkgs.lib.
{ pkgs }:
let
  lib = import ./lib { system = pkgs.stdenv.hostPlatform.system; };
  fail = path: what: throw "nix2aci mkOCI: ${path}: ${what}";
in
lib.takeArguments (args:
  let
    prepared = lib.prepare "mkOCI" args;
    a =
      let p = prepared.arguments; in
      if p.thin then fail "thin" "an OCI image cannot be thin: OCI has no mount points for store paths (see docs/oci.md; nix-snapshotter serves layers from the host's store)"
      else if p.compression != "gzip" && p.compression != "none" then
        fail "compression" "OCI layers are tar or tar+gzip here, not '${p.compression}' (use \"gzip\" or \"none\")"
      else p;
    manifest = prepared.manifest [ ];
    oci = import ./oci/config.nix { inherit manifest; inherit (a) etc; };
    inherit (prepared) imageBase;
    # Store path names cannot hold '~' (AC identifiers and versions can).
    drvName = builtins.replaceStrings [ "~" ] [ "_" ] imageBase;
    contents = import ./image-contents.nix { inherit pkgs; } prepared;

    # Named alike for every image: only what the layers hold tells them apart.
    layers = pkgs.runCommand "nix2aci-oci-layers"
      (contents.rootfsEnv // {
        nativeBuildInputs = [ pkgs.coreutils pkgs.gnutar pkgs.pigz pkgs.jq ];
        passAsFile = contents.rootfsPassAsFile;
        ociRootfs = ./rootfs.sh;
        ociReferencedPaths = contents.referencedPaths;
        ociClosure = contents.closure;
        ociMaxLayers = toString a.maxLayers;
        ociCompression = a.compression;
        ociPlan = ./oci/plan-layers.jq;
      }) ''
      source ${./oci/build-layers.sh}
    '';
  in
  pkgs.runCommand "${drvName}-oci"
    {
      nativeBuildInputs = [ pkgs.coreutils pkgs.gnutar pkgs.jq ];
      ociConfig = builtins.toJSON oci.config;
      ociAnnotations = builtins.toJSON oci.annotations;
      passAsFile = [ "ociConfig" "ociAnnotations" ];
      ociLayers = layers;
      ociRefName = oci.refName;
      ociImageBase = imageBase;
      ociPostprocess = ./postprocess.sh;
      passthru = {
        inherit (oci) config annotations refName;
        inherit layers;
        appcManifest = manifest;
        # The checked arguments, every default filled in.
        arguments = a;
        layoutName = "${imageBase}.oci";
        archiveFileName = "${imageBase}.oci.tar";
      };
    } ''
    source ${./oci/build-image.sh}
  '')
