// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: exec[1]:
import { defineACI, pkgs } from "nix2aci";

// Half of a UTF-16 surrogate pair is not text: Nix (and JSON) cannot carry it.
export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh", "\uD800"] });
