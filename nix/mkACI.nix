# mkACI: an App Container Image (appc 0.8.11) from Nix packages. Arguments and output are described
# in docs/mkaci-arguments.md; this file only wires checked arguments into one build (build-aci.sh).
# Uses only builtins and stable nixpkgs attributes (see nix/README.md), no pkgs.lib.
{ pkgs }:
args:
let
  a = import ./lib/arguments.nix { system = pkgs.stdenv.hostPlatform.system; } args;
  manifest = import ./lib/manifest.nix a;
  etcFiles = import ./lib/etc-files.nix a.etc;

  lastNamePart = let m = builtins.match ".*/([^/]+)" a.name; in if m == null then a.name else builtins.head m;
  imageBase = "${lastNamePart}-${a.version}-${a.os}-${a.arch}";
  imageFileName = "${imageBase}.aci";
  # Store path names cannot hold '~' (AC identifiers and versions can).
  drvName = builtins.replaceStrings [ "~" ] [ "_" ] imageBase;

  manifestJSON = builtins.toJSON manifest;
  rootEnv = pkgs.buildEnv { name = "${drvName}-root"; paths = a.packages; };
  # Store paths named in the manifest (`exec = [ "${pkgs.hello}/bin/hello" ]`) or in extraCommands
  # (`ln -s ${pkgs.foo}/bin/foo bin/`) must be in the image too: this file refers to all of them.
  # It holds only those paths (with the text's context, so they stay dependencies), not the text
  # itself: a changed label or variable then rebuilds the image alone, not this file and the closure.
  referencedPaths = pkgs.writeText "${drvName}-references" (storePathsIn (manifestJSON + "\n" + a.extraCommands));
  storePathsIn = text:
    let
      found = builtins.filter builtins.isList (builtins.split "(${builtins.storeDir}/[0-9a-z]{32}-[A-Za-z0-9+._?=-]+)" text);
      unique = builtins.attrNames (builtins.listToAttrs (map (m: { name = builtins.head m; value = null; }) found));
    in
    builtins.appendContext (builtins.concatStringsSep "\n" unique) (builtins.getContext text);
  # The closure of the merged tree (not of `packages`): nixpkgs' buildEnv links the outputs named
  # by meta.outputsToInstall (e.g. bin and man), which need not be in the packages' own closure.
  # build-aci.sh leaves both roots themselves out: the tree's top level is copied into the rootfs.
  closure = pkgs.closureInfo { rootPaths = [ rootEnv referencedPaths ]; };
in
pkgs.runCommand drvName
{
  nativeBuildInputs = [ pkgs.coreutils pkgs.gnutar pkgs.pigz pkgs.bzip2 pkgs.xz pkgs.jq ];
  aciManifest = manifestJSON;
  aciPasswd = etcFiles.passwd;
  aciGroup = etcFiles.group;
  aciHosts = if etcFiles.hosts == null then "" else etcFiles.hosts;
  aciHasHosts = if etcFiles.hosts == null then "" else "1";
  aciExtraCommands = a.extraCommands;
  passAsFile = [ "aciManifest" "aciPasswd" "aciGroup" "aciHosts" "aciExtraCommands" ];
  aciRootEnv = rootEnv;
  aciReferencedPaths = referencedPaths;
  aciClosure = closure;
  aciImageBase = imageBase;
  aciThin = if a.thin then "1" else "";
  aciCompression = a.compression;
  aciPostprocess = ./postprocess.sh;
  passthru = { inherit manifest imageFileName; };
} ''
  source ${./build-aci.sh}
''
