# Facts about examples/generated/default.nix that need Nix to find out (test/render/examples.test.ts).
{ pkgs ? import ../../nix/host-pkgs.nix { } }:
let
  examples = import ../../examples/generated { inherit pkgs; };
  # The static variant's package, as the generated file picks it (`if static then … else …`).
  staticFile = import ../../examples/generated/linux/busybox.nix {
    inherit pkgs;
    static = true;
    mkACI = args: args;
  };
in
{
  names = builtins.attrNames examples;
  staticPackageName = (builtins.head staticFile.packages).pname;
}
