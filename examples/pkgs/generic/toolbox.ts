import { defineACI, pkgs } from "nix2aci";

// Several packages merged at the image root (like nixpkgs' buildEnv), their whole closures
// inside: `hello` is dynamically linked, so its loader and libraries come along. One folder is
// writable (`data`), one read-only (`config`); the runtime provides both as volumes.
export default defineACI({
  name: "nix2aci.example/toolbox",
  version: "1.0.0",
  annotations: {
    authors: "nix2aci examples",
    documentation: "https://example.org/nix2aci/toolbox",
  },
  packages: [pkgs.busybox, pkgs.hello],
  exec: ["/bin/sh", "-c", "hello && ls /data /etc/toolbox"],
  environment: { PATH: "/bin" },
  workingDirectory: "/data",
  mountPoints: [
    { name: "data", path: "/data" },
    { name: "config", path: "/etc/toolbox", readOnly: true },
  ],
  variants: {
    // A variant is a call of the spec's file: this one overrides mkACI's compression.
    toolboxXz: { compression: "xz" },
    toolboxOci: { format: "oci" },
  },
});
