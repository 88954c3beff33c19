// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: environment["1X"]:
import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"], environment: { "1X": "y" } });
