// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: packages[0]:
import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI({ name: "example.org/x", params: { static: false }, packages: [when(param("statik"), pkgs.pkgsStatic.busybox, pkgs.busybox)], exec: ["/bin/sh"] });
