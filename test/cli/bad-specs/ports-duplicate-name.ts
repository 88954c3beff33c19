// @ts-nocheck: deliberately bad spec (test/cli/bad-specs.test.ts)
// expect: ports[1].name:
import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"], ports: [{ name: "http", protocol: "tcp", port: 80 }, { name: "http", protocol: "tcp", port: 8080 }] });
