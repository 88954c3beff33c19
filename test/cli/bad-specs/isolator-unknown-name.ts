// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: isolators[0].name:
import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"], isolators: [{ name: "resource/gpu", value: { limit: 1 } }] });
