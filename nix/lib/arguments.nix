# Checks mkACI's arguments against docs/mkaci-arguments.md and fills in the defaults. Returns the
# arguments as a complete attribute set; every error names the argument (and field) it is about.
{ system }:
args:
let
  c = import ./check.nix;
  inherit (c) fail;
  inherit (builtins) attrNames concatStringsSep elem filter head isAttrs isString parseDrvName;

  required = name: args.${name} or (fail name "is required");
  optional = name: default: args.${name} or default;

  knownArguments = [
    "name" "version" "os" "arch" "labels" "annotations" "packages" "exec" "user" "group"
    "supplementaryGIDs" "environment" "workingDirectory" "eventHandlers" "ports" "mountPoints"
    "isolators" "userAnnotations" "userLabels" "dependencies" "pathWhitelist" "thin" "compression"
    "etc" "extraCommands"
  ];
  unknownArguments = filter (n: !(elem n knownArguments)) (attrNames args);

  # The version becomes part of file and store path names: no '/', spaces or leading dot.
  version' = c.regex "[A-Za-z0-9_][A-Za-z0-9._+~-]*"
    "is not a usable version (letters, digits and . _ + ~ -, not starting with . + ~ or -)";

  packages = c.nonEmptyListOf c.derivation "packages" (required "packages");
  firstPackage = head packages;
  versionOfFirst =
    if isString (firstPackage.version or null) && firstPackage.version != "" then firstPackage.version
    else (parseDrvName firstPackage.name).version;
  version =
    if args ? version then version' "version" args.version
    else if versionOfFirst != "" then version' "version (taken from packages[0])" versionOfFirst
    else fail "version" "is not given, and packages[0] (${firstPackage.name}) has no version to default to";

  platform = import ./platform.nix system;
  platformField = field:
    if args ? ${field} then c.nonEmptyString field args.${field}
    else if platform != null then platform.${field}
    else fail field "is not given, and the system '${system}' has no known appc ${field}: pass os and arch";

  reservedLabels = [ "name" "version" "os" "arch" ];
  labelName = path: n:
    if elem n reservedLabels then
      fail path "label '${n}' is reserved (use the ${if n == "name" then "name" else n} argument${if n == "name" then "; appc forbids a 'name' label" else ""})"
    else c.acIdentifier path n;

  # passwd/group fields must not break the colon-separated line format.
  etcField = c.regex "[^:\n]*" "must not contain ':' or a newline";
  etcFieldOrEmpty = path: v: if v == "" then "" else etcField path v;
  etcUserName = c.regex "[A-Za-z_][A-Za-z0-9_.-]*" "is not a user or group name (letters, digits, _ . -, not starting with a digit, . or -)";
  nonNegative = c.intIn 0 4294967294;

  user = c.record {
    name.check = etcUserName;
    uid.check = nonNegative;
    gid.check = nonNegative;
    home = { check = etcField; default = "/"; };
    shell = { check = etcField; default = "/bin/sh"; };
    gecos = { check = etcFieldOrEmpty; default = ""; };
  };
  group = c.record {
    name.check = etcUserName;
    gid.check = nonNegative;
    members = { check = c.listOf etcUserName; default = [ ]; };
  };
  etc = c.record {
    hosts = { check = c.nullOr c.string; default = null; };
    users = { check = path: v: c.unique "name" path (c.listOf user path v); default = [ ]; };
    groups = { check = path: v: c.unique "name" path (c.listOf group path v); default = [ ]; };
  } "etc" (optional "etc" { });

  exec = c.nonEmptyListOf c.string;
  checked = {
    name = c.acIdentifier "name" (required "name");
    inherit version packages etc;
    os = platformField "os";
    arch = platformField "arch";
    labels = c.attrsOfStrings labelName "labels" (optional "labels" { });
    annotations = c.attrsOfStrings c.acIdentifier "annotations" (optional "annotations" { });
    exec = exec "exec" (required "exec");
    user = c.nonEmptyString "user" (optional "user" "0");
    group = c.nonEmptyString "group" (optional "group" "0");
    supplementaryGIDs = c.listOf c.int "supplementaryGIDs" (optional "supplementaryGIDs" [ ]);
    environment = c.attrsOfStrings
      (c.regex "[A-Za-z_][A-Za-z_0-9.-]*" "is not an environment variable name")
      "environment" (optional "environment" { });
    workingDirectory = c.nullOr c.absolutePath "workingDirectory" (optional "workingDirectory" null);
    eventHandlers = c.unique "name" "eventHandlers" (c.listOf (c.record {
      name.check = c.oneOf [ "pre-start" "post-stop" ];
      exec.check = exec;
    }) "eventHandlers" (optional "eventHandlers" [ ]));
    ports = c.unique "name" "ports" (c.listOf (c.record {
      name.check = c.acName;
      protocol.check = c.nonEmptyString;
      port.check = c.intIn 1 65535;
      count = { check = c.intIn 1 65535; default = 1; };
      socketActivated = { check = c.bool; default = false; };
    }) "ports" (optional "ports" [ ]));
    mountPoints = c.unique "name" "mountPoints" (c.listOf (c.record {
      name.check = c.acName;
      path.check = c.absolutePath;
      readOnly = { check = c.bool; default = false; };
    }) "mountPoints" (optional "mountPoints" [ ]));
    isolators = c.listOf (c.record {
      name.check = c.acIdentifier;
      value.check = c.jsonValue;
    }) "isolators" (optional "isolators" [ ]);
    userAnnotations = c.attrsOfStrings c.anyName "userAnnotations" (optional "userAnnotations" { });
    userLabels = c.attrsOfStrings c.anyName "userLabels" (optional "userLabels" { });
    dependencies = c.listOf (c.record {
      imageName.check = c.acIdentifier;
      imageID = { check = c.nullOr (c.regex "sha512-[0-9a-f]+" "is not an image ID (sha512-<hex>)"); default = null; };
      labels = { check = c.attrsOfStrings c.acIdentifier; default = { }; };
      size = { check = c.nullOr (c.intIn 0 9223372036854775807); default = null; };
    }) "dependencies" (optional "dependencies" [ ]);
    pathWhitelist = c.listOf c.absolutePath "pathWhitelist" (optional "pathWhitelist" [ ]);
    thin = c.bool "thin" (optional "thin" false);
    compression = c.oneOf [ "none" "gzip" "bzip2" "xz" ] "compression" (optional "compression" "gzip");
    extraCommands = c.string "extraCommands" (optional "extraCommands" "");
  };
in
if !(isAttrs args) then fail "arguments" "mkACI takes an attribute set"
else if unknownArguments != [ ] then
  fail (head unknownArguments) "unknown argument (known: ${concatStringsSep ", " knownArguments})"
else checked
