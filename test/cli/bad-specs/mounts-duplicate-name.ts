// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: mountPoints[1].name:
import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"], mountPoints: [{ name: "data", path: "/a" }, { name: "data", path: "/b" }] });
