// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: no default export
import { defineACI, pkgs } from "nix2aci";

export const spec = defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"] });
