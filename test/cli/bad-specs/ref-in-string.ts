// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: the spec module threw TypeError: pkgs.busybox is a Nix reference, not a string
import { defineACI, pkgs } from "nix2aci";

// A package reference pasted into text: refused at load time, not turned into "[object Object]".
export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: [`${pkgs.busybox}/bin/sh`] });
