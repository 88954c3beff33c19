# Nix system double -> appc os/arch labels (appc spec 0.8.11, "Well known labels").
system:
let
  table = {
    "x86_64-linux" = { os = "linux"; arch = "amd64"; };
    "i686-linux" = { os = "linux"; arch = "i386"; };
    "aarch64-linux" = { os = "linux"; arch = "aarch64"; };
    "armv6l-linux" = { os = "linux"; arch = "armv6l"; };
    "armv7l-linux" = { os = "linux"; arch = "armv7l"; };
    "powerpc64-linux" = { os = "linux"; arch = "ppc64"; };
    "powerpc64le-linux" = { os = "linux"; arch = "ppc64le"; };
    "s390x-linux" = { os = "linux"; arch = "s390x"; };
    "x86_64-freebsd" = { os = "freebsd"; arch = "amd64"; };
    "i686-freebsd" = { os = "freebsd"; arch = "i386"; };
    "x86_64-darwin" = { os = "darwin"; arch = "x86_64"; };
    "i686-darwin" = { os = "darwin"; arch = "i386"; };
  };
in
table.${system} or null
