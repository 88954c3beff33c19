# Versions of installed Debian packages, read at evaluation time from dpkg's database, so that a
# host package's store path changes when the host package it copies is upgraded.
# `dpkgStatus = null` (e.g. under pure evaluation) gives the version "unknown" for everything.
{ dpkgStatus }:
let
  inherit (builtins) filter isString split substring stringLength head match;
  paragraphs = filter isString (split "\n\n" (builtins.readFile dpkgStatus));
  paragraphOf = package:
    let
      prefix = "Package: ${package}\n";
      found = filter (p: substring 0 (stringLength prefix) p == prefix) paragraphs;
    in if found == [ ] then throw "host-pkgs: Debian package '${package}' is not installed" else head found;
  versionLineOf = package:
    head (filter (l: substring 0 9 l == "Version: ") (filter isString (split "\n" (paragraphOf package))));
in
{
  # The upstream part of a Debian version: "1:1.35.0-4+deb12u1+b1" -> "1.35.0".
  upstreamVersion = package:
    if dpkgStatus == null then "unknown"
    else builtins.elemAt (match "Version: ([0-9]+:)?([^-]+)(-.*)?" (versionLineOf package)) 1;
}
