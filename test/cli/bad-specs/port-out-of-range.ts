// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: ports[0].port:
import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"], ports: [{ name: "http", protocol: "tcp", port: 70000 }] });
