# mkOCI: an OCI image (layout and oci-archive) from the same arguments as mkACI, plus `maxLayers`.
# The image config is derived from the appc manifest mkACI would write (nix/oci/config.nix; the
# mapping is the table in docs/oci.md). Two derivations: the layers (the closure split by store
# path, nix/oci/build-layers.sh) and the image (config, manifest, index, archive:
# nix/oci/build-image.sh), so that changing a label only rebuilds the second, small one.
# Uses only builtins and stable nixpkgs attributes (see nix/README.md), no pkgs.lib.
{ pkgs }:
args:
let
  fail = path: what: throw "nix2aci mkOCI: ${path}: ${what}";
  maxLayers =
    let m = args.maxLayers or 100; in
    if !(builtins.isInt m) then fail "maxLayers" "must be an integer"
    else if m < 2 || m > 125 then fail "maxLayers" "must be 2–125 (the store paths need one layer, the root filesystem another; overlayfs stacks at most 128), got ${toString m}"
    else m;
  a = import ./lib/arguments.nix { system = pkgs.stdenv.hostPlatform.system; } (removeAttrs args [ "maxLayers" ]);
  checked =
    if a.thin then fail "thin" "an OCI image cannot be thin: OCI has no mount points for store paths (see docs/oci.md; nix-snapshotter serves layers from the host's store)"
    else if a.compression != "gzip" && a.compression != "none" then
      fail "compression" "OCI layers are tar or tar+gzip here, not '${a.compression}' (use \"gzip\" or \"none\")"
    else a;
  manifest = import ./lib/manifest.nix checked;
  etcFiles = import ./lib/etc-files.nix checked.etc;
  oci = import ./oci/config.nix { inherit manifest; inherit (checked) etc; };

  # TODO(after the spec track lands): the names, the merged tree, the referenced paths and the
  # closure are mkACI.nix's; share them instead of repeating them here.
  lastNamePart = let m = builtins.match ".*/([^/]+)" a.name; in if m == null then a.name else builtins.head m;
  imageBase = "${lastNamePart}-${a.version}-${a.os}-${a.arch}";
  drvName = builtins.replaceStrings [ "~" ] [ "_" ] imageBase;
  manifestJSON = builtins.toJSON manifest;
  rootEnv = pkgs.buildEnv { name = "${drvName}-root"; paths = a.packages; };
  referencedPaths = pkgs.writeText "${drvName}-references" (storePathsIn (manifestJSON + "\n" + a.extraCommands));
  storePathsIn = text:
    let
      found = builtins.filter builtins.isList (builtins.split "(${builtins.storeDir}/[0-9a-z]{32}-[A-Za-z0-9+._?=-]+)" text);
      unique = builtins.attrNames (builtins.listToAttrs (map (m: { name = builtins.head m; value = null; }) found));
    in
    builtins.appendContext (builtins.concatStringsSep "\n" unique) (builtins.getContext text);
  closure = pkgs.closureInfo { rootPaths = [ rootEnv referencedPaths ]; };

  layers = pkgs.runCommand "${drvName}-oci-layers"
    {
      nativeBuildInputs = [ pkgs.coreutils pkgs.gnutar pkgs.pigz pkgs.jq ];
      ociPasswd = etcFiles.passwd;
      ociGroup = etcFiles.group;
      ociHosts = if etcFiles.hosts == null then "" else etcFiles.hosts;
      ociHasHosts = if etcFiles.hosts == null then "" else "1";
      ociExtraCommands = checked.extraCommands;
      passAsFile = [ "ociPasswd" "ociGroup" "ociHosts" "ociExtraCommands" ];
      ociRootEnv = rootEnv;
      ociReferencedPaths = referencedPaths;
      ociClosure = closure;
      ociMaxLayers = toString maxLayers;
      ociCompression = checked.compression;
      ociPlan = ./oci/plan-layers.jq;
    } ''
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
    layoutName = "${imageBase}.oci";
    archiveFileName = "${imageBase}.oci.tar";
  };
} ''
  source ${./oci/build-image.sh}
''
