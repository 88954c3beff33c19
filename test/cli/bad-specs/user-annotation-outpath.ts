// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: userAnnotations.outPath: name must not be outPath or __toString
import { defineACI, pkgs } from "nix2aci";

export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"], userAnnotations: { outPath: "k", note: "n" } });
