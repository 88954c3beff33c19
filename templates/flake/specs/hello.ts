import { defineACI, pkgs } from "nix2aci";

// One image: `npx nix2aci build` writes nix/hello.nix and nix/default.nix from this file, builds
// the image with Nix and signs it into ACIs/hello-…-linux-….aci (`nix build .#hello` with flakes).
export default defineACI({
  name: "example.com/hello",
  packages: [pkgs.busybox],
  exec: ["/bin/busybox", "sh", "-c", "echo hello from an App Container Image"],
});
