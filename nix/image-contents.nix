# What goes into an image, for every builder of mkACI's arguments (mkACI, mkOCI): the merged
# packages, the store paths the manifest and extraCommands name, their closure, and the
# environment nix/rootfs.sh builds the root filesystem from. `prepared` is nix/lib's
# `prepare BUILDER args`.
{ pkgs }:
prepared:
let
  inherit (builtins) attrNames concatStringsSep filter getContext head listToAttrs split;
  a = prepared.arguments;
  inherit (prepared) etcFiles;

  # Store paths in a text (with the text's context, so they stay dependencies), one per line.
  storePathsIn = text:
    let
      found = filter builtins.isList (split "(${builtins.storeDir}/[0-9a-z]{32}-[A-Za-z0-9+._?=-]+)" text);
      unique = attrNames (listToAttrs (map (m: { name = head m; value = null; }) found));
    in
    builtins.appendContext (concatStringsSep "\n" unique) (getContext text);
in
rec {
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

  # runCommand attributes for nix/rootfs.sh (merge into the builder's; add rootfsPassAsFile to
  # its passAsFile).
  rootfsEnv = {
    rootfsPackages = rootEnv;
    rootfsPasswd = etcFiles.passwd;
    rootfsGroup = etcFiles.group;
    rootfsHosts = if etcFiles.hosts == null then "" else etcFiles.hosts;
    rootfsHasHosts = if etcFiles.hosts == null then "" else "1";
    rootfsExtraCommands = a.extraCommands;
  };
  rootfsPassAsFile = [ "rootfsPasswd" "rootfsGroup" "rootfsHosts" "rootfsExtraCommands" ];
}
