# mkACI: an App Container Image (appc 0.8.11) from Nix packages. Its arguments are the formals of
# nix/lib/arguments.nix (generated from the argument table, a comment above each; see
# docs/mkaci-arguments.md); nix/lib checks them and computes the manifest, this file wires the
# result into one build (build-aci.sh). Uses only builtins and stable nixpkgs attributes.
{ pkgs }:
let
  lib = import ./lib { system = pkgs.stdenv.hostPlatform.system; };
  inherit (builtins) attrNames baseNameOf concatStringsSep filter getContext head isString listToAttrs match readFile replaceStrings split;

  # A store path's thin-image mount point name: nix-store-<hash>-<name> made an AC Name (lower
  # case, runs of other characters as one '-').
  mountName = path:
    let
      lower = replaceStrings
        [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" "+" "." "_" "?" "=" ]
        [ "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" "-" "-" "-" "-" "-" ]
        (baseNameOf path);
      squeeze = s: let t = replaceStrings [ "--" ] [ "-" ] s; in if t == s then s else squeeze t;
      name = squeeze lower;
      trimmed = let m = match "(.*)-" name; in if m == null then name else head m;
    in
    "nix-store-${trimmed}";

  # Store paths in a text (with the text's context, so they stay dependencies), one per line.
  storePathsIn = text:
    let
      found = filter builtins.isList (split "(${builtins.storeDir}/[0-9a-z]{32}-[A-Za-z0-9+._?=-]+)" text);
      unique = attrNames (listToAttrs (map (m: { name = head m; value = null; }) found));
    in
    builtins.appendContext (concatStringsSep "\n" unique) (getContext text);
in
lib.takeArguments (args:
  let
    prepared = lib.prepare "mkACI" args;
    a = prepared.arguments;
    inherit (prepared) imageBase etcFiles;
    imageFileName = "${imageBase}.aci";
    # Store path names cannot hold '~' (AC identifiers and versions can).
    drvName = replaceStrings [ "~" ] [ "_" ] imageBase;

    # The merged tree, the references file and the closure depend on the packages and the store
    # paths named alone (their names too are the same for every image): images of the same
    # packages share them, and a changed label, variable or name rebuilds the image alone.
    rootEnv = pkgs.buildEnv { name = "nix2aci-root"; paths = a.packages; };
    # Store paths named in the manifest (`exec = [ "${pkgs.hello}/bin/hello" ]`) or in
    # extraCommands (`ln -s ${pkgs.foo}/bin/foo bin/`) must be in the image too: this file refers
    # to all of them. It holds only those paths, not the text.
    referencedPaths = pkgs.writeText "nix2aci-references" (storePathsIn (builtins.toJSON (prepared.manifest [ ]) + "\n" + a.extraCommands));
    # The closure of the merged tree (not of `packages`): nixpkgs' buildEnv links the outputs named
    # by meta.outputsToInstall, which need not be in the packages' own closure. Both roots
    # themselves stay out of the image: the tree's top level is copied into the rootfs.
    closure = pkgs.closureInfo { rootPaths = [ rootEnv referencedPaths ]; };

    # A thin image's manifest names every store path of the closure, so evaluating it reads the
    # closure (import from derivation: the packages are built first).
    storePaths = filter (p: isString p && p != "" && p != "${rootEnv}" && p != "${referencedPaths}") (split "\n" (readFile "${closure}/store-paths"));
    storeMountPoints = if a.thin then map (path: { name = mountName path; inherit path; readOnly = true; }) storePaths else [ ];
    manifest = prepared.manifest storeMountPoints;
    mounts = concatStringsSep "" (map (m: "--volume ${m.name},kind=host,source=${m.path},readOnly=true\n") storeMountPoints);
  in
  pkgs.runCommand drvName
    {
      nativeBuildInputs = [ pkgs.coreutils pkgs.gnutar pkgs.pigz pkgs.bzip2 pkgs.xz ];
      aciManifest = builtins.toJSON manifest;
      aciMounts = mounts;
      aciPasswd = etcFiles.passwd;
      aciGroup = etcFiles.group;
      aciHosts = if etcFiles.hosts == null then "" else etcFiles.hosts;
      aciHasHosts = if etcFiles.hosts == null then "" else "1";
      aciExtraCommands = a.extraCommands;
      passAsFile = [ "aciManifest" "aciMounts" "aciPasswd" "aciGroup" "aciHosts" "aciExtraCommands" ];
      aciRootEnv = rootEnv;
      aciReferencedPaths = referencedPaths;
      aciClosure = closure;
      aciImageBase = imageBase;
      aciThin = if a.thin then "1" else "";
      aciCompression = a.compression;
      aciPostprocess = ./postprocess.sh;
      passthru = {
        # The manifest inside the image, as a Nix value (thin images included).
        inherit manifest imageFileName;
        # The checked arguments, every default filled in.
        arguments = a;
      };
    } ''
    source ${./build-aci.sh}
  '')
