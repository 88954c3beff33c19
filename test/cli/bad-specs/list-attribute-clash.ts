// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: [1].name:
import { defineACI, pkgs } from "nix2aci";

// Two specs whose names end alike would be the same attribute of default.nix.
export default [
  defineACI({ name: "example.org/a/shell", packages: [pkgs.busybox], exec: ["/bin/sh"] }),
  defineACI({ name: "example.org/b/shell", packages: [pkgs.busybox], exec: ["/bin/sh"] }),
];
