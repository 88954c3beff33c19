// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: (top level): must be an object
import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI("busybox");
