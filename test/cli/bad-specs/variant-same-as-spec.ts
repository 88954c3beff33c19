// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: variants.x:
import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"], variants: { x: { thin: true } } });
