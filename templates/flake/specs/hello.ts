import { defineACI, pkgs } from "nix2aci";

// One image: `npm run generate` writes nix/hello.nix and nix/default.nix from this file,
// `nix-build nix -A hello` (or `nix build .#hello`) builds result/hello-…-linux-….aci.
export default defineACI({
  name: "example.com/hello",
  packages: [pkgs.busybox],
  exec: ["/bin/busybox", "sh", "-c", "echo hello from an App Container Image"],
});
