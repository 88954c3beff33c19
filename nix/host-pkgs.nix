# host-pkgs: a small nixpkgs-shaped package set made from this machine's own Debian binaries, for
# machines without nixpkgs (no network, no binary cache). It offers the attribute names and the
# function signatures of nixpkgs for everything nix/mkACI.nix uses, so that code tested against it
# runs unchanged against `import <nixpkgs> {}`:
#   stdenv.{mkDerivation,hostPlatform.system}, runCommand, writeText, buildEnv, closureInfo,
#   coreutils, findutils, gnutar, gzip, pigz, bzip2, xz, jq, patchelf (host binaries copied with
#   their libraries and the store's glibc, so images that hold them run),
# plus test packages: busybox (+ .override { enableStatic; }), pkgsStatic.busybox, glibc, hello
# (dynamically linked, its closure is hello + libgreeting + glibc: three store paths it needs).
#
# REQUIREMENTS: builders run the host's /bin/bash with the host's program folders on PATH, so Nix
# must run them either sandboxed with those folders visible (nix/host.conf: `sandbox = true` and
# `extra-sandbox-paths = /bin /usr /lib /lib64 /etc/alternatives`) or with `sandbox = false`.
# Outputs stay deterministic (same host binaries -> same bytes; `nix-build --check` passes), but a
# store path only changes with the Debian package VERSION (read from dpkg's database), not with the
# host file's bytes.
#
# Arguments: `system` (pure evaluation has no builtins.currentSystem) and `dpkgStatus` (null under
# pure evaluation: versions become "unknown").
{ system ? builtins.currentSystem
, dpkgStatus ? /var/lib/dpkg/status
}:
let
  debian = import ./host-pkgs/debian.nix { inherit dpkgStatus; };

  # nixpkgs' stdenv.mkDerivation, minimal: name or pname+version, buildCommand or
  # buildPhase/installPhase, nativeBuildInputs/buildInputs on PATH, passthru and meta kept off the
  # derivation and merged into the result.
  mkDerivation = attrs@{ passthru ? { }, meta ? { }, nativeBuildInputs ? [ ], buildInputs ? [ ], ... }:
    let
      name = attrs.name or "${attrs.pname}-${attrs.version}";
      drv = derivation (removeAttrs attrs [ "passthru" "meta" ] // {
        inherit name system nativeBuildInputs buildInputs;
        builder = "/bin/bash";
        args = [ "-e" ./host-pkgs/setup.sh ];
      });
    in
    if attrs ? src then throw "host-pkgs: stdenv.mkDerivation: 'src' is not supported (use buildCommand)"
    else drv // passthru // { inherit meta passthru; };

  # nixpkgs: runCommand :: String -> AttrSet -> String -> Derivation.
  runCommand = name: env: buildCommand:
    mkDerivation ({ inherit name buildCommand; } // removeAttrs env [ "passAsFile" ] // {
      passAsFile = [ "buildCommand" ] ++ (env.passAsFile or [ ]);
    });

  writeText = name: text:
    runCommand name { inherit text; passAsFile = [ "text" ]; } ''cp "$textPath" "$out"'';

  # nixpkgs: closureInfo { rootPaths } -> $out/{store-paths,registration,total-nar-size}.
  closureInfo = { rootPaths }: derivation {
    name = "closure-info";
    inherit system;
    builder = "/bin/bash";
    args = [ "-e" ./host-pkgs/closure-info.sh ];
    __structuredAttrs = true;
    exportReferencesGraph.closure = rootPaths;
    empty = rootPaths == [ ];
    PATH = "/usr/bin:/bin";
  };

  # nixpkgs: buildEnv { name; paths; ... }: the union of `paths` as a tree of symlinks, a folder
  # linked whole while only one package has it (as nixpkgs' builder.pl does).
  buildEnv =
    { name
    , paths
    , ignoreCollisions ? false
    , checkCollisionContents ? true
    , pathsToLink ? [ "/" ]
    , extraOutputsToInstall ? [ ]
    , extraPrefix ? ""
    , postBuild ? ""
    , manifest ? ""
    , nativeBuildInputs ? [ ]
    , buildInputs ? [ ]
    , passthru ? { }
    , meta ? { }
    }:
    if pathsToLink != [ "/" ] || extraPrefix != "" || extraOutputsToInstall != [ ] || manifest != "" then
      throw "host-pkgs: buildEnv: only pathsToLink = [ \"/\" ] without extraPrefix, extraOutputsToInstall or manifest is supported"
    else
      runCommand name
        {
          inherit nativeBuildInputs buildInputs meta postBuild;
          passthru = { inherit paths; } // passthru;
          pkgs = paths;
          ignoreCollisions = if ignoreCollisions then "1" else "";
          checkCollisionContents = if checkCollisionContents then "1" else "";
        } ''
        source ${./host-pkgs/build-env.sh}
        eval "$postBuild"
      '';

  # Host programs as a self-contained package: $out/bin/PROG copied from the host with its shared
  # libraries in $out/lib and the store's glibc as loader, so an image that holds it runs.
  hostTool = { pname, debianPackage, programs }: mkDerivation {
    inherit pname programs glibc;
    version = debian.upstreamVersion debianPackage;
    buildCommand = ". ${./host-pkgs/host-tool.sh}";
  };

  coreutilsPrograms = [
    "basename" "cat" "chgrp" "chmod" "chown" "comm" "cp" "cut" "date" "dd" "df" "dirname" "du"
    "echo" "env" "expr" "false" "head" "id" "install" "ln" "ls" "mkdir" "mktemp" "mv" "nproc" "od"
    "printf" "readlink" "realpath" "rm" "rmdir" "seq" "sha256sum" "sha512sum" "sleep" "sort" "stat"
    "tail" "tee" "test" "touch" "tr" "true" "uname" "uniq" "wc"
  ];

  busyboxVersion = debian.upstreamVersion "busybox-static";

  # Debian's busybox-static binary with one symlink per applet, like nixpkgs' busybox. The host has
  # no dynamically linked busybox: both variants are the same static binary, under different names.
  busyboxWith = overrides:
    let
      args = { enableStatic = false; enableMinimal = false; useMusl = false; extraConfig = ""; } // overrides;
      unknown = removeAttrs overrides [ "enableStatic" "enableMinimal" "useMusl" "extraConfig" ];
    in
    if unknown != { } then
      throw "host-pkgs: busybox.override: unexpected argument '${builtins.head (builtins.attrNames unknown)}'"
    else
      mkDerivation {
        pname = if args.enableStatic then "busybox-static" else "busybox";
        version = busyboxVersion;
        buildCommand = ''
          mkdir -p "$out/bin"
          cp /bin/busybox "$out/bin/busybox"
          chmod 0555 "$out/bin/busybox"
          help=$("$out/bin/busybox" --help 2>&1 || true)
          banner=''${help%%$'\n'*}
          # Under pure evaluation (dpkgStatus = null) the version is "unknown": nothing to compare.
          if [ "$version" != unknown ]; then
            case "$banner" in
              "BusyBox v$version "*) ;;
              *) echo "host busybox says '$banner', expected version $version" >&2; exit 1 ;;
            esac
          fi
          for applet in $("$out/bin/busybox" --list); do
            if [ "$applet" != busybox ]; then ln -s busybox "$out/bin/$applet"; fi
          done
        '';
        passthru.override = more: busyboxWith (overrides // more);
      };

  # The host's dynamic loader and C library in a store path of their own.
  glibc = mkDerivation {
    pname = "glibc";
    version = debian.upstreamVersion "libc6";
    buildCommand = ''
      interpreter=$(patchelf --print-interpreter /bin/true)
      libdir=$(dirname "$(readlink -f "$interpreter")")
      mkdir -p "$out/lib"
      cp "$(readlink -f "$interpreter")" "$out/lib/$(basename "$interpreter")"
      cp "$libdir/libc.so.6" "$out/lib/libc.so.6"
      chmod 0555 "$out/lib/"*
      basename "$interpreter" > "$out/lib/.interpreter-name"
    '';
  };

  libgreeting = mkDerivation {
    pname = "libgreeting";
    version = "1.0";
    buildCommand = ''
      mkdir -p "$out/lib" "$out/include"
      cp ${./host-pkgs/greeting.h} "$out/include/greeting.h"
      # Compile a local copy: the object's file symbol must not name (and so reference) the source.
      cp ${./host-pkgs/greeting.c} greeting.c
      gcc -O2 -g0 -shared -fPIC -Wl,-soname,libgreeting.so \
        -o "$out/lib/libgreeting.so" greeting.c -I"$out/include"
      patchelf --set-rpath ${glibc}/lib "$out/lib/libgreeting.so"
    '';
  };

  # A dynamically linked program whose interpreter, libc and library live in other store paths:
  # without any one of them in the image it cannot start.
  hello = mkDerivation {
    pname = "hello";
    version = "1.0";
    buildCommand = ''
      mkdir -p "$out/bin"
      cp ${./host-pkgs/hello.c} hello.c
      gcc -O2 -g0 -o "$out/bin/hello" hello.c \
        -I${libgreeting}/include -L${libgreeting}/lib -lgreeting
      patchelf --set-interpreter ${glibc}/lib/$(cat ${glibc}/lib/.interpreter-name) \
        --set-rpath ${libgreeting}/lib:${glibc}/lib "$out/bin/hello"
    '';
  };

  pkgs = {
    inherit runCommand writeText closureInfo buildEnv busybox glibc libgreeting hello;
    stdenv = {
      inherit mkDerivation;
      hostPlatform = { inherit system; };
      buildPlatform = { inherit system; };
    };
    stdenvNoCC = pkgs.stdenv;
    coreutils = hostTool { pname = "coreutils"; debianPackage = "coreutils"; programs = coreutilsPrograms; };
    findutils = hostTool { pname = "findutils"; debianPackage = "findutils"; programs = [ "find" "xargs" ]; };
    gnutar = hostTool { pname = "gnutar"; debianPackage = "tar"; programs = [ "tar" ]; };
    # Debian's gunzip and zcat are shell scripts: use gzip -d and gzip -dc.
    gzip = hostTool { pname = "gzip"; debianPackage = "gzip"; programs = [ "gzip" ]; };
    pigz = hostTool { pname = "pigz"; debianPackage = "pigz"; programs = [ "pigz" "unpigz" ]; };
    bzip2 = hostTool { pname = "bzip2"; debianPackage = "bzip2"; programs = [ "bzip2" "bunzip2" ]; };
    xz = hostTool { pname = "xz"; debianPackage = "xz-utils"; programs = [ "xz" "unxz" ]; };
    jq = hostTool { pname = "jq"; debianPackage = "jq"; programs = [ "jq" ]; };
    patchelf = hostTool { pname = "patchelf"; debianPackage = "patchelf"; programs = [ "patchelf" ]; };
    pkgsStatic = { busybox = busybox.override { enableStatic = true; }; };
  };

  busybox = busyboxWith { };
in
pkgs
