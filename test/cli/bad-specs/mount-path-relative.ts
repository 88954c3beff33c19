// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: mountPoints[0].path:
import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"], mountPoints: [{ name: "data", path: "data" }] });
