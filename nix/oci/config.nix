# The OCI image config, manifest annotations and reference name of an image, derived from its appc
# manifest (nix/lib/manifest.nix) and the checked `etc` argument. The mapping, and what has no OCI
# place (kept in `nix2aci.appc.*` labels), is the table in docs/oci.md. Layers (rootfs.diff_ids)
# and history are added at build time by build-image.sh.
{ manifest, etc }:
let
  inherit (builtins) attrNames concatStringsSep elem filter genList head length listToAttrs
    match removeAttrs replaceStrings substring toJSON toString;
  fail = path: what: throw "nix2aci mkOCI: ${path}: ${what}";

  app = manifest.app;
  labelsOf = list: listToAttrs list;
  appcLabels = labelsOf manifest.labels;
  appcAnnotations = labelsOf (manifest.annotations or [ ]);
  appOr = field: default: app.${field} or default;

  # appc os/arch -> OCI os/architecture/variant (the Go names the OCI image spec uses).
  platforms = {
    amd64 = { architecture = "amd64"; };
    x86_64 = { architecture = "amd64"; };
    i386 = { architecture = "386"; };
    aarch64 = { architecture = "arm64"; };
    aarch64_be = { architecture = "arm64be"; };
    arm = { architecture = "arm"; };
    armv6l = { architecture = "arm"; variant = "v6"; };
    armv7l = { architecture = "arm"; variant = "v7"; };
    armv7b = { architecture = "armbe"; variant = "v7"; };
    ppc64 = { architecture = "ppc64"; };
    ppc64le = { architecture = "ppc64le"; };
    s390x = { architecture = "s390x"; };
  };
  # (Every arch nix/lib accepts is here; test/oci/arguments.test.ts maps each.)
  platform = platforms.${appcLabels.arch} or (fail "arch" "'${appcLabels.arch}' has no OCI architecture");

  # user/group -> numbers, through the same users and groups /etc/passwd and /etc/group list.
  isNumber = s: match "[0-9]+" s != null;
  idOf = kind: listName: idField: entries: value:
    if isNumber value then value
    else
      let found = filter (e: e.name == value) entries; in
      if found != [ ] then toString (head found).${idField}
      else if value == "root" then "0"
      # (nix/lib refused names that are none of these.)
      else fail kind "'${value}' is not in etc.${listName}";
  user = idOf "user" "users" "uid" etc.users app.user;
  group = idOf "group" "groups" "gid" etc.groups app.group;

  # Ports: one "port/protocol" per port of the range [port, port + count).
  exposedPorts = listToAttrs (builtins.concatMap
    (p: genList (i: { name = "${toString (p.port + i)}/${p.protocol}"; value = { }; }) (p.count or 1))
    (appOr "ports" [ ]));
  volumes = listToAttrs (map (m: { name = m.path; value = { }; }) (appOr "mountPoints" [ ]));
  env = map (e: "${e.name}=${e.value}") (appOr "environment" [ ]);

  # appc annotations with an OCI name; the others are kept in nix2aci.appc.annotations.
  annotationNames = {
    created = "org.opencontainers.image.created";
    authors = "org.opencontainers.image.authors";
    homepage = "org.opencontainers.image.url";
    documentation = "org.opencontainers.image.documentation";
  };
  mappedAnnotations = listToAttrs (map (n: { name = annotationNames.${n}; value = appcAnnotations.${n}; })
    (filter (n: annotationNames ? ${n}) (attrNames appcAnnotations)));
  unmappedAnnotations = filter (a: !(annotationNames ? ${a.name})) (manifest.annotations or [ ]);
  ociAnnotations = mappedAnnotations // {
    "org.opencontainers.image.version" = appcLabels.version;
    "org.opencontainers.image.title" = manifest.name;
  };

  # What has no (complete) OCI place, as the appc JSON of the field: nothing is silently lost.
  nonEmpty = attrs: filter (f: f.value != null && f.value != [ ] && f.value != { }) attrs;
  keptAsLabels = listToAttrs (map (f: { name = "nix2aci.appc.${f.name}"; value = toJSON f.value; }) (nonEmpty [
    { name = "ports"; value = appOr "ports" [ ]; }                     # names, socketActivated
    { name = "mountPoints"; value = appOr "mountPoints" [ ]; }         # names, readOnly
    { name = "supplementaryGIDs"; value = appOr "supplementaryGIDs" [ ]; }
    { name = "eventHandlers"; value = appOr "eventHandlers" [ ]; }
    { name = "isolators"; value = appOr "isolators" [ ]; }
    { name = "userAnnotations"; value = appOr "userAnnotations" [ ]; }
    { name = "annotations"; value = unmappedAnnotations; }
    { name = "dependencies"; value = manifest.dependencies or [ ]; }
    { name = "pathWhitelist"; value = manifest.pathWhitelist or [ ]; }
  ]));

  # appc labels (os/arch become the config's platform) and the app's userLabels share OCI's one
  # Labels map: a name in both would lose one value, so it is refused.
  imageLabels = removeAttrs appcLabels [ "version" "os" "arch" ];
  userLabels = appOr "userLabels" { };
  clash = filter (n: imageLabels ? ${n}) (attrNames userLabels);
  labels =
    if clash != [ ] then fail "userLabels.${head clash}" "is also in labels; an OCI image has one Labels map"
    else imageLabels // userLabels // ociAnnotations // keptAsLabels;

  # org.opencontainers.image.ref.name / the signed identity: a Docker reference NAME:TAG made from
  # the AC identifier and version (characters Docker refuses become '-'; a name without a domain
  # gets localhost/, as podman names loaded images).
  dockerName =
    let
      n = replaceStrings [ "~" ] [ "-" ] manifest.name;
      first = head (builtins.split "/" n);
      isDomain = first == "localhost" || match "[a-z0-9]+([.-][a-z0-9]+)*[.][a-z0-9]+([.-][a-z0-9]+)*" first != null;
    in
    if isDomain && match ".*/.*" n != null then n else "localhost/${n}";
  tag = substring 0 128 (replaceStrings [ "+" "~" ] [ "-" "-" ] appcLabels.version);
in
{
  config = {
    created = appcAnnotations.created or "1970-01-01T00:00:01Z";
    inherit (platform) architecture;
    os = appcLabels.os;
    config = {
      Entrypoint = app.exec;
      User = "${user}:${group}";
      Labels = labels;
    }
    // (if env != [ ] then { Env = env; } else { })
    // (if exposedPorts != { } then { ExposedPorts = exposedPorts; } else { })
    // (if volumes != { } then { Volumes = volumes; } else { })
    // (if app ? workingDirectory then { WorkingDir = app.workingDirectory; } else { });
  } // (if platform ? variant then { inherit (platform) variant; } else { });
  annotations = ociAnnotations;
  refName = "${dockerName}:${tag}";
}
