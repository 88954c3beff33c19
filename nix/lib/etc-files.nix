# /etc/passwd and /etc/group text from the checked `etc` argument; root (0:0) always comes first.
etc:
let
  inherit (builtins) any concatStringsSep toString;
  rootUser = { name = "root"; uid = 0; gid = 0; gecos = "root"; home = "/"; shell = "/bin/sh"; };
  rootGroup = { name = "root"; gid = 0; members = [ ]; };
  users = (if any (u: u.name == "root") etc.users then [ ] else [ rootUser ]) ++ etc.users;
  groups = (if any (g: g.name == "root") etc.groups then [ ] else [ rootGroup ]) ++ etc.groups;
  lines = ls: concatStringsSep "" (map (l: l + "\n") ls);
in
{
  passwd = lines (map (u: "${u.name}:x:${toString u.uid}:${toString u.gid}:${u.gecos}:${u.home}:${u.shell}") users);
  group = lines (map (g: "${g.name}:x:${toString g.gid}:${concatStringsSep "," g.members}") groups);
  hosts = etc.hosts;
}
