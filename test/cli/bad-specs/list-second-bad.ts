// @ts-nocheck: deliberately bad spec
// expect: [1].name:
import { defineACI, pkgs } from "nix2aci";

export default [
  defineACI({ name: "example.org/good", packages: [pkgs.busybox], exec: ["/bin/sh"] }),
  defineACI({ name: "Bad Name", packages: [pkgs.busybox], exec: ["/bin/sh"] }),
];
