// expect: no default export
import { defineACI, pkgs } from "nix2aci";

export const spec = defineACI({ name: "example.org/x", packages: [pkgs.busybox], exec: ["/bin/sh"] });
