# Argument checks for mkACI. Each checker takes the argument's path (for the message) and a value,
# and returns the value or throws "nix2aci mkACI: <path>: <what is wrong>". Nix is lazy: a checked
# value only throws when used, and mkACI uses every argument while writing the manifest, so bad
# input always fails at evaluation time.
let
  inherit (builtins) attrNames concatStringsSep elem head isAttrs isBool isInt isList isString
    length match typeOf;

  fail = path: what: throw "nix2aci mkACI: ${path}: ${what}";

  describe = v:
    if isAttrs v && (v.type or null) == "derivation" then "a derivation"
    else if isString v then "the string \"${v}\""
    else {
      int = "an integer"; bool = "a boolean"; set = "an attribute set"; lambda = "a function";
      null = "null"; float = "a float"; list = "a list"; path = "a path";
    }.${typeOf v} or "a ${typeOf v}";

  matches = regex: s: match regex s != null;

  acIdentifierRegex = "[a-z0-9]+([-._~/][a-z0-9]+)*";
  acNameRegex = "[a-z0-9]+(-[a-z0-9]+)*";
in
rec {
  inherit fail acIdentifierRegex acNameRegex;

  string = path: v: if isString v then v else fail path "must be a string, not ${describe v}";

  nonEmptyString = path: v:
    if !(isString v) then fail path "must be a non-empty string, not ${describe v}"
    else if v == "" then fail path "must be a non-empty string"
    else v;

  bool = path: v: if isBool v then v else fail path "must be true or false, not ${describe v}";

  int = path: v: if isInt v then v else fail path "must be an integer, not ${describe v}";

  intIn = lo: hi: path: v:
    if isInt v && v >= lo && v <= hi then v
    else fail path "must be an integer from ${toString lo} to ${toString hi}, not ${describe v}";

  nullOr = checker: path: v: if v == null then null else checker path v;

  oneOf = choices: path: v:
    if isString v && elem v choices then v
    else fail path "must be one of ${concatStringsSep ", " (map (c: "\"${c}\"") choices)}, not ${describe v}";

  regex = regex: rule: path: v:
    let s = nonEmptyString path v; in
    if matches regex s then s else fail path "\"${s}\" ${rule}";

  acIdentifier = regex acIdentifierRegex "is not an AC identifier (lower case letters and digits, separated by single '-', '.', '_', '~' or '/')";

  acName = regex acNameRegex "is not an AC name (lower case letters and digits, separated by single '-')";

  absolutePath = regex "/.*" "must be an absolute path (start with '/')";

  listOf = checker: path: v:
    if !(isList v) then fail path "must be a list, not ${describe v}"
    else builtins.genList (i: checker "${path}[${toString i}]" (builtins.elemAt v i)) (length v);

  nonEmptyListOf = checker: path: v:
    if isList v && v == [ ] then fail path "must be a non-empty list" else listOf checker path v;

  # An attribute set of strings whose names satisfy `nameChecker` (given the path "<path>.<name>").
  attrsOfStrings = nameChecker: path: v:
    if !(isAttrs v) || (v.type or null) == "derivation" then fail path "must be an attribute set of strings, not ${describe v}"
    else builtins.mapAttrs (n: value: string "${path}.${n}" (builtins.seq (nameChecker "${path}.${n}" n) value)) v;

  anyName = _: n: n;

  # A record: `fields` maps each known field to { check; default? } (no default: required).
  record = fields: path: v:
    let
      unknown = builtins.filter (n: !(fields ? ${n})) (attrNames v);
      value = n: f:
        if v ? ${n} then f.check "${path}.${n}" v.${n}
        else if f ? default then f.default
        else fail "${path}.${n}" "is required";
    in
    if !(isAttrs v) || (v.type or null) == "derivation" then fail path "must be an attribute set, not ${describe v}"
    else if unknown != [ ] then fail path "unknown field '${head unknown}' (known: ${concatStringsSep ", " (attrNames fields)})"
    else builtins.mapAttrs value fields;

  derivation = path: v:
    if isAttrs v && (v.type or null) == "derivation" then v
    else fail path "must be a derivation (a package), not ${describe v}";

  # Any value builtins.toJSON can write, without functions or derivations hidden inside.
  jsonValue = path: v:
    if builtins.isFunction v then fail path "must be a JSON value, not a function"
    else if isAttrs v && (v.type or null) == "derivation" then fail path "must be a JSON value, not a derivation"
    else if isAttrs v then builtins.mapAttrs (n: jsonValue "${path}.${n}") v
    else if isList v then builtins.genList (i: jsonValue "${path}[${toString i}]" (builtins.elemAt v i)) (length v)
    else if builtins.isPath v then fail path "must be a JSON value, not a path"
    else v;

  # Fails when two elements of `values` (checked list of records) share `key`.
  unique = key: path: values:
    let
      keys = map (x: x.${key}) values;
      dup = builtins.filter (k: length (builtins.filter (x: x == k) keys) > 1) keys;
    in
    if dup != [ ] then fail path "${key} \"${toString (head dup)}\" appears more than once" else values;
}
