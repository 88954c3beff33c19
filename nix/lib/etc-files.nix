# /etc/passwd and /etc/group text from the checked `etc` argument; root (0:0) comes first (the
# checks refuse a listed root).
etc:
let
  inherit (builtins) concatStringsSep toString;
  users = [ { name = "root"; uid = 0; gid = 0; gecos = "root"; home = "/"; shell = "/bin/sh"; } ] ++ etc.users;
  groups = [ { name = "root"; gid = 0; members = [ ]; } ] ++ etc.groups;
  lines = ls: concatStringsSep "" (map (l: l + "\n") ls);
in
{
  passwd = lines (map (u: "${u.name}:x:${toString u.uid}:${toString u.gid}:${u.gecos}:${u.home}:${u.shell}") users);
  group = lines (map (g: "${g.name}:x:${toString g.gid}:${concatStringsSep "," g.members}") groups);
  hosts = etc.hosts;
}
