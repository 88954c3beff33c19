import { defineACI, param, pkgs, when } from "nix2aci";

// A busybox shell. Arguments given at run time go to it: `nix2aci run IMAGE -- -c 'echo hi'`.
// `static` picks nixpkgs' statically linked busybox; the thin variant mounts the store paths
// from the host instead of copying them into the image.
export default defineACI({
  name: "nix2aci.example/busybox",
  params: { static: false },
  packages: [when(param("static"), pkgs.pkgsStatic.busybox, pkgs.busybox)],
  exec: ["/bin/sh"],
  isolators: [{ name: "os/linux/capabilities-retain-set", value: { set: ["CAP_NET_ADMIN"] } }],
  variants: {
    busyboxThin: { thin: true },
    busyboxStatic: { params: { static: true } },
    // The same image as an OCI image (mkOCI): for podman, Docker, registries.
    busyboxOci: { format: "oci" },
  },
});
