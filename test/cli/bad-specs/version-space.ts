// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: version: must be a version usable in file and store path names
import { defineACI, pkgs } from "nix2aci";

export default defineACI({ name: "example.org/x", version: "1 0", packages: [pkgs.busybox], exec: ["/bin/sh"] });
