// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: name:
import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI({ name: "Example.org/X", packages: [pkgs.busybox], exec: ["/bin/sh"] });
