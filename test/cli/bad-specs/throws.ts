// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: the spec module threw: the spec cannot decide
import { defineACI, pkgs } from "nix2aci";

function pickShell(): string {
  throw new Error("the spec cannot decide");
}

export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: [pickShell()] });
