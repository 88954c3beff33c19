// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: ports[0].name:
import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"], ports: [{ name: "HTTP", protocol: "tcp", port: 80 }] });
