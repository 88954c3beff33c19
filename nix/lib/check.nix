# The checks of mkACI's arguments: interprets the table in arguments.nix (generated from
# lib/spec/arguments/table.ts, which validateSpec reads too) and implements its coded rules by id.
# `problems args` is every problem as { path; rule; message; } (empty: fine), computed strictly;
# values of the wrong type are reported once and skipped by every other rule. No check coerces a
# value to a string or asks whether a set is a derivation, so records whose keys Nix treats
# specially elsewhere (type, outPath, __toString, __functor, ...) are read as the data they are.
table:
let
  inherit (builtins) any attrNames concatLists concatMap concatStringsSep elem elemAt filter fromJSON
    genList head isAttrs isBool isFloat isFunction isInt isList isPath isString length match toJSON;

  problem = path: rule: message: [ { inherit path rule message; } ];

  # A short, exact rendering of a value for messages, never coercing a set to a string.
  show = v:
    if isString v || isInt v || isFloat v || isBool v || v == null then toJSON v
    else if isList v then "a list"
    else if isFunction v then "a function"
    else if isPath v then "a path"
    else if (v.type or null) == "derivation" && v ? outPath then "a derivation"
    else "an attribute set";
  got = v: ", got ${show v}";

  at = path: key:
    let plain = match "[A-Za-z_][A-Za-z0-9_]*" key != null; in
    if path == "" then (if plain then key else "[${toJSON key}]")
    else if plain then "${path}.${key}" else "${path}[${toJSON key}]";
  index = path: i: "${path}[${toString i}]";
  imap = f: list: genList (i: f i (elemAt list i)) (length list);

  passes = id: s:
    let rule = table.stringRules.${id}; in
    (match rule.regex s != null) != (rule.negate or false);
  stringRules = rules: path: what: s:
    concatMap (id: if passes id s then [ ] else problem path id "${what}${table.stringRules.${id}.message}${got s}") rules;

  # Items (records) of a list whose string `key` repeats an earlier item's.
  uniqueIn = key: path: items:
    let
      keyed = filter (x: isAttrs x.item && isString (x.item.${key} or null)) (imap (i: item: { inherit i item; }) items);
      repeats = filter (x: any (y: y.i < x.i && y.item.${key} == x.item.${key}) keyed) keyed;
    in
    concatMap (x: problem "${index path x.i}.${key}" "unique" "must be unique in this list${got x.item.${key}}") repeats;

  # JSON data for the manifest: no functions, paths, or keys toJSON treats specially; floats that
  # toJSON writes back as the same number (it keeps 6 significant digits).
  json = path: v:
    if isFunction v then problem path "type" "must be JSON data, not a function"
    else if isPath v then problem path "type" "must be JSON data, not a path"
    else if isAttrs v && (v.type or null) == "derivation" && v ? outPath then problem path "type" "must be JSON data, not a derivation"
    else if isList v then concatLists (imap (i: json (index path i)) v)
    else if isFloat v then
      (if fromJSON (toJSON v) == v then [ ]
      else problem path "json-float" "would reach the manifest as ${toJSON v} (Nix's builtins.toJSON keeps 6 significant digits): write it as a string or with fewer digits")
    else if isAttrs v then
      let badKeys = concatMap (n: stringRules [ "json-key" ] (at path n) "key " n) (attrNames v); in
      # A set with outPath (a derivation, say) is not walked: its outPath may lead anywhere.
      if badKeys != [ ] then badKeys else concatMap (n: json (at path n) v.${n}) (attrNames v)
    else [ ];

  check = shape: path: v: checkers.${shape.kind} shape path v;
  checkers = {
    string = shape: path: v:
      if isString v then stringRules shape.rules path "" v else problem path "type" "must be a string${got v}";
    bool = _: path: v: if isBool v then [ ] else problem path "type" "must be true or false${got v}";
    int = shape: path: v:
      if !(isInt v) then problem path "type" "must be an integer${got v}"
      else if v < shape.min || v > shape.max then problem path "range" "must be from ${toString shape.min} to ${toString shape.max}${got v}"
      else [ ];
    enum = shape: path: v:
      if isString v && elem v shape.values then [ ]
      else problem path "one-of" "must be one of ${concatStringsSep ", " (map toJSON shape.values)}${got v}";
    list = shape: path: v:
      if !(isList v) then problem path "type" "must be a list${got v}"
      else if (shape.nonEmpty or false) && v == [ ] then problem path "non-empty" "must have at least one item"
      else
        concatLists (imap (i: check shape.of (index path i)) v)
        ++ (if v != [ ] && isString (head v) then stringRules (shape.first or [ ]) (index path 0) "" (head v) else [ ])
        ++ concatMap (key: uniqueIn key path v) (shape.unique or [ ]);
    strings = shape: path: v:
      if !(isAttrs v) then problem path "type" "must be an attribute set of strings${got v}"
      else concatMap
        (n: stringRules shape.keys (at path n) "name " n
          ++ (if isString v.${n} then [ ] else problem (at path n) "type" "must be a string${got v.${n}}"))
        (attrNames v);
    record = shape: path: v:
      let names = map (f: f.name) shape.fields; in
      if !(isAttrs v) then problem path "type" "must be an attribute set${got v}"
      else
        concatMap (n: problem (at path n) "unknown-field" "is not a known field (known: ${concatStringsSep ", " names})") (filter (n: !(elem n names)) (attrNames v))
        ++ concatMap
          (f: if v ? ${f.name} then check f.shape (at path f.name) v.${f.name}
            else if f ? default then [ ]
            else problem (at path f.name) "required" "is required")
          shape.fields;
    package = _: path: v:
      if isAttrs v && (v.type or null) == "derivation" then [ ] else problem path "type" "must be a derivation (a package)${got v}";
    json = _: json;
  };

  # The coded rules (lib/spec/arguments/table.ts CODED_RULES; validateSpec's are in lib/spec/rules.ts).
  coded = args:
    let
      attrs = v: if isAttrs v then v else { };
      listOf = v: if isList v then v else [ ];
      strings = filter isString;
      etc = attrs (args.etc or null);
      userNames = strings (map (u: (attrs u).name or null) (listOf (etc.users or null)));
      groupNames = strings (map (g: (attrs g).name or null) (listOf (etc.groups or null)));

      osArch =
        if (args ? os) != (args ? arch) then
          let given = if args ? os then "os" else "arch"; missing = if args ? os then "arch" else "os"; in
          problem given "os-arch" "needs ${missing} too: give os and arch together (or neither, for the Nix system's)${got args.${given}}"
        else if isString (args.os or null) && isString (args.arch or null) && table.osArch ? ${args.os}
          && !(elem args.arch table.osArch.${args.os}) then
          problem "arch" "os-arch" "must be one of ${concatStringsSep ", " table.osArch.${args.os}} for os ${args.os}${got args.arch}"
        else [ ];

      principal = key: listKey: declared:
        let v = args.${key} or null; in
        if !(isString v) || v == "" || v == "root" || match "[0-9]+" v != null || elem v declared then [ ]
        else problem key "${key}-exists" "a ${key} name must be a number, \"root\", or declared in etc.${listKey}${got v}";

      portRange = concatLists (imap
        (i: p:
          let port = (attrs p).port or null; count = (attrs p).count or null; in
          if isInt port && isInt count && port + count - 1 > 65535
          then problem "${index "ports" i}.count" "port-range" "port + count - 1 must be <= 65535 (port is ${toString port})${got count}"
          else [ ])
        (listOf (args.ports or null)));

      isolatorNames = map (x: (attrs x).name or null) (listOf (args.isolators or null));
      earlier = i: genList (j: elemAt isolatorNames j) i;
      isolatorRules = concatLists (imap
        (i: name:
          let path = "${index "isolators" i}.name"; in
          if !(isString name) then [ ]
          else
            (if elem name table.singleIsolators && elem name (earlier i) then problem path "isolator-once" "may appear only once${got name}" else [ ])
            ++ concatMap
              (pair:
                let other = if head pair == name then elemAt pair 1 else if elemAt pair 1 == name then head pair else null; in
                if other != null && elem other (earlier i) then problem path "isolator-conflict" "cannot be used together with ${other}${got name}" else [ ])
              table.conflictingIsolators)
        isolatorNames);

      rootBuiltin = listKey: file:
        concatLists (imap
          (i: x: if (attrs x).name or null == "root" then problem "${index "etc.${listKey}" i}.name" "root-builtin" "root is always in ${file}; do not list it${got "root"}" else [ ])
          (listOf (etc.${listKey} or null)));

      members = concatLists (imap
        (i: g: concatLists (imap
          (j: m: if isString m && m != "root" && !(elem m userNames)
            then problem (index "${index "etc.groups" i}.members" j) "member-exists" "must be root or a user of etc.users${got m}" else [ ])
          (listOf ((attrs g).members or null))))
        (listOf (etc.groups or null)));

      dependencyLabels = concatLists (imap
        (i: d:
          let labels = attrs ((attrs d).labels or null); os = labels.os or null; arch = labels.arch or null; path = "${index "dependencies" i}.labels"; in
          if !(isString os) then [ ]
          else if !(table.osArch ? ${os}) then problem "${path}.os" "label-os-arch" "must be one of ${concatStringsSep ", " (attrNames table.osArch)}${got os}"
          else if isString arch && !(elem arch table.osArch.${os}) then problem "${path}.arch" "label-os-arch" "must be one of ${concatStringsSep ", " table.osArch.${os}} for os ${os}${got arch}"
          else [ ])
        (listOf (args.dependencies or null)));

      thinStore =
        let extra = args.extraCommands or null; in
        if (args.thin or false) == true && isString extra && length (builtins.split "/nix/store" extra) > 1
        then problem "extraCommands" "thin-store" "a thin image has empty store folders at build time: extraCommands must not use /nix/store${got extra}"
        else [ ];
    in
    osArch ++ principal "user" "users" userNames ++ principal "group" "groups" groupNames ++ portRange
    ++ isolatorRules ++ rootBuiltin "users" "/etc/passwd" ++ rootBuiltin "groups" "/etc/group" ++ members
    ++ dependencyLabels ++ thinStore;

  argumentsShape = { kind = "record"; fields = table.arguments; };
in
{
  # The problems of one value of `shape` (a shape of the table) at `path`.
  value = check;

  # Every problem of `args` (an attribute set of mkACI arguments), in table order.
  problems = args:
    if !(isAttrs args) then problem "(arguments)" "type" "must be an attribute set${got args}"
    else check argumentsShape "" args ++ coded args;

  # The arguments with every default of the table filled in (computed ones are null).
  withDefaults =
    let
      fill = shape: v:
        if shape.kind == "record" then
          builtins.listToAttrs (map (f: { inherit (f) name; value = if v ? ${f.name} then fill f.shape v.${f.name} else defaultOf f; }) shape.fields)
        else if shape.kind == "list" then map (fill shape.of) v
        else v;
      defaultOf = f: if f.default.kind == "value" then fill f.shape f.default.value else null;
    in
    fill argumentsShape;
}
