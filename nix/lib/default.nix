# nix2aci's argument handling, shared by every builder that takes mkACI's arguments (mkACI, and
# mkOCI): one table (arguments.nix, generated from lib/spec/arguments/table.ts), its checks
# (check.nix), the computed defaults, and the appc manifest the arguments describe.
{ system }:
let
  table = import ./arguments.nix;
  check = import ./check.nix table;
  platform = import ./platform.nix system;
  inherit (builtins) concatStringsSep filter head isString map match parseDrvName;

  versionShape = (head (filter (a: a.name == "version") table.arguments)).shape;

  # version, os and arch when they are not given: from packages[0] and the Nix system.
  # Call on arguments without problems.
  computed = args:
    let
      first = head args.packages;
      ofFirst = if isString (first.version or null) && first.version != "" then first.version else (parseDrvName first.name).version;
      versionProblems =
        if args ? version then [ ]
        else if ofFirst == "" then [ { path = "version"; rule = "required"; message = "is not given, and packages[0] (${first.name}) has no version to default to"; } ]
        else map (p: p // { message = "${p.message} (the version of packages[0]; give version)"; }) (check.value versionShape "version" ofFirst);
      systemProblems =
        if args ? os || platform != null then [ ]
        else [ { path = "os"; rule = "required"; message = "is not given, and the system '${system}' has no known appc os and arch: give os and arch"; } ];
      fromSystem = field: if args ? ${field} then args.${field} else platform.${field};
    in
    {
      version = args.version or ofFirst;
      os = fromSystem "os";
      arch = fromSystem "arch";
      problems = versionProblems ++ systemProblems;
    };

  problems = args:
    let given = check.problems args; in
    if given != [ ] then given else (computed args).problems;
in
{
  # `takeArguments build`: a function with mkACI's formals (builtins.functionArgs lists them; each
  # has its doc above it in arguments.nix) that calls `build` with the attributes given.
  inherit (table) takeArguments;

  # Every problem of raw arguments, as { path; rule; message; } (empty: they are fine).
  inherit problems;

  # The checked arguments with every default filled in, and what they describe: the appc manifest
  # (`manifest storeMountPoints`: a thin image adds its store mount points), the /etc files and
  # the image's base name. Throws "nix2aci <builder>: <path>: <message>", a line per problem.
  prepare = builder: args:
    let
      found = problems args;
      c = computed args;
      arguments = check.withDefaults args // { inherit (c) version os arch; };
      lastNamePart = let m = match ".*/([^/]+)" arguments.name; in if m == null then arguments.name else head m;
    in
    if found != [ ] then throw (concatStringsSep "\n" (map (p: "nix2aci ${builder}: ${p.path}: ${p.message}") found))
    else {
      inherit arguments;
      manifest = storeMountPoints: import ./manifest.nix arguments storeMountPoints;
      etcFiles = import ./etc-files.nix arguments.etc;
      # NAME-VERSION-OS-ARCH, NAME the variant, else the last `/` part of the image name.
      imageBase = "${if arguments.variant == null then lastNamePart else arguments.variant}-${arguments.version}-${arguments.os}-${arguments.arch}";
    };
}
