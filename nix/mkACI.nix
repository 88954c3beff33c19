# mkACI: an App Container Image (appc 0.8.11) from Nix packages. Its arguments are the formals of
# nix/lib/arguments.nix (generated from the argument table, a comment above each; see
# docs/mkaci-arguments.md); nix/lib checks them and computes the manifest, this file wires the
# result into one build (build-aci.sh). Uses only builtins and stable nixpkgs attributes.
{ pkgs }:
let
  lib = import ./lib { system = pkgs.stdenv.hostPlatform.system; };
  inherit (builtins) baseNameOf concatStringsSep filter head isString match readFile replaceStrings split;

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
in
lib.takeArguments (args:
  let
    prepared = lib.prepare "mkACI" args;
    a = prepared.arguments;
    inherit (prepared) imageBase;
    imageFileName = "${imageBase}.aci";
    # Store path names cannot hold '~' (AC identifiers and versions can).
    drvName = replaceStrings [ "~" ] [ "_" ] imageBase;

    contents = import ./image-contents.nix { inherit pkgs; } prepared;
    inherit (contents) rootEnv referencedPaths closure;

    # A thin image's manifest names every store path of the closure, so evaluating it reads the
    # closure (import from derivation: the packages are built first).
    storePaths = filter (p: isString p && p != "" && p != "${rootEnv}" && p != "${referencedPaths}") (split "\n" (readFile "${closure}/store-paths"));
    storeMountPoints = if a.thin then map (path: { name = mountName path; inherit path; readOnly = true; }) storePaths else [ ];
    manifest = prepared.manifest storeMountPoints;
    mounts = concatStringsSep "" (map (m: "--volume ${m.name},kind=host,source=${m.path},readOnly=true\n") storeMountPoints);
  in
  pkgs.runCommand drvName
    (contents.rootfsEnv // {
      nativeBuildInputs = [ pkgs.coreutils pkgs.gnutar pkgs.pigz pkgs.bzip2 pkgs.xz ];
      aciManifest = builtins.toJSON manifest;
      aciMounts = mounts;
      passAsFile = [ "aciManifest" "aciMounts" ] ++ contents.rootfsPassAsFile;
      aciRootfs = ./rootfs.sh;
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
    }) ''
    source ${./build-aci.sh}
  '')
