{ pkgs, mkACI, static ? false, ... }:
let
  busybox = if static then pkgs.pkgsStatic.busybox else pkgs.busybox;
  shell = "${busybox}/bin/sh";
in
mkACI {
  name = "example.com/busybox";
  version = "1.36.1";
  packages = [ busybox (pkgs.cacert.override { static = static; }) ];
  exec = [ shell "-c" "echo \"hello from \${HOSTNAME:-aci}\"" ];
  user = "0";
  group = "0";
  environment = { PATH = "/bin:/usr/bin"; LC_ALL = "C.UTF-8"; };
  ports = [
    { name = "http"; protocol = "tcp"; port = 8080; }
    { name = "dns"; protocol = "udp"; port = 53; count = 1; socketActivated = false; }
  ];
  mountPoints = [ { name = "data"; path = "/var/lib/data"; readOnly = false; } ];
  isolators = [ { name = "resource/memory"; value = { limit = "256M"; request = "128M"; }; } ];
  labels = { };
  annotations = { authors = "Jane Doe <jane@example.com>"; created = "1970-01-01T00:00:00Z"; };
  etc = {
    users = [ { name = "www"; uid = 1000; gid = 1000; home = "/var/www"; } ];
    groups = [ { name = "www"; gid = 1000; members = [ "www" ]; } ];
  };
  extraCommands = ''
    mkdir -p tmp var/lib/data
    chmod 1777 tmp
    echo ''\'''${not interpolated}' > etc/motd
  '';
  thin = false;
}
