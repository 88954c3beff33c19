// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: isolators[0].value.set:
import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"], isolators: [{ name: "os/linux/capabilities-retain-set", value: { set: "CAP_NET_ADMIN" } }] });
