// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: params.overrides:
import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"], params: { overrides: true } });
