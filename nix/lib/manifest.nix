# The appc 0.8.11 image manifest (a Nix value, for builtins.toJSON) from checked arguments, plus a
# thin image's store mount points. Optional fields are left out when empty, as actool writes them.
# Record keys arrive as they are: labels, annotations and environment become {name, value} lists;
# userAnnotations, userLabels and isolator values are objects (check.nix refused the keys
# builtins.toJSON would not write as keys).
a: storeMountPoints:
let
  inherit (builtins) attrNames filter listToAttrs;
  nameValues = attrs: map (name: { inherit name; value = attrs.${name}; }) (attrNames attrs);
  # Keeps the fields whose value is not null, [] or {}.
  compact = attrs: listToAttrs (filter (f: f.value != null && f.value != [ ] && f.value != { }) (nameValues attrs));

  app = compact {
    inherit (a) exec user group supplementaryGIDs workingDirectory eventHandlers isolators
      userAnnotations userLabels;
    environment = nameValues a.environment;
    ports = map (p: { inherit (p) name protocol port count socketActivated; }) a.ports;
    mountPoints = map (m: { inherit (m) name path readOnly; }) a.mountPoints ++ storeMountPoints;
  };

  dependencies = map
    (d: compact {
      inherit (d) imageName imageID size;
      labels = nameValues d.labels;
    })
    a.dependencies;
in
compact {
  acKind = "ImageManifest";
  acVersion = "0.8.11";
  inherit (a) name pathWhitelist;
  # version, os, arch (and variant) first, then the other labels by name.
  labels = [
    { name = "version"; value = a.version; }
    { name = "os"; value = a.os; }
    { name = "arch"; value = a.arch; }
  ] ++ (if a.variant == null then [ ] else [ { name = "variant"; value = a.variant; } ]) ++ nameValues a.labels;
  annotations = nameValues a.annotations;
  inherit app dependencies;
}
