// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: annotations.note: must not contain a NUL character
import { defineACI, pkgs } from "nix2aci";

export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"], annotations: { note: "a\u0000b" } });
