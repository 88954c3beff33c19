/**
 * THE table of mkACI's arguments: name, shape (type and rules), default, one-line doc, where it
 * goes. Everything else is derived from it: the spec types (lib/spec/types.ts) and their zod
 * schema (zod.ts), mkACI's checks and formals (nix/lib/arguments.nix, printed by
 * scripts/generate-arguments.ts and read by nix/lib/check.nix), docs/mkaci-arguments.md and the
 * README's spec reference. Adding an argument means adding an entry here, then running
 * `node --import jiti/register scripts/generate-arguments.ts --write` (a test fails until then).
 * mkOCI takes the same arguments: an entry's `oci` note says how it maps to an OCI image.
 */
import { ALL_ARCHS, ALL_OS } from "./appc.js";
import { dflt, shape as s, type Field } from "./shape.js";

/** `exec` and an event handler's `exec`: a command line whose program is an absolute path. */
const exec = (doc: string) => ({ shape: s.list(s.string(), { nonEmpty: true, first: ["absolute-path"] }), doc });

const nameValueNote = "a list of `{name, value}` sorted by name";

const port = s.record("Port", "A port the app listens on.", [
  { name: "name", shape: s.string("ac-name"), doc: "An AC Name, unique among ports." },
  { name: "protocol", shape: s.string("non-empty"), doc: 'E.g. `"tcp"` or `"udp"`.' },
  { name: "port", shape: s.int(1, 65535), doc: "1–65535." },
  { name: "count", shape: s.int(1, 65535), default: dflt.value(1), doc: "How many consecutive ports, starting at `port` (`port + count - 1 <= 65535`)." },
  { name: "socketActivated", shape: s.bool(), default: dflt.value(false), doc: "Whether the app expects the socket passed in (systemd socket activation)." },
]);

const mountPoint = s.record("MountPoint", "A place where the runtime mounts a volume.", [
  { name: "name", shape: s.string("ac-name", "mount-name-reserved"), doc: "An AC Name, unique among mount points; the volume given at run time uses the same name." },
  { name: "path", shape: s.string("normal-path", "mount-path-reserved"), doc: "Absolute path inside the image, unique among mount points." },
  { name: "readOnly", shape: s.bool(), default: dflt.value(false), doc: "Mount read-only." },
]);

const eventHandler = s.record("EventHandler", "An app event handler.", [
  { name: "name", shape: s.enumOf("EventHandlerName", "When an event handler runs.", ["pre-start", "post-stop"]), doc: "When it runs." },
  { name: "exec", ...exec("Command and arguments; `exec[0]` an absolute path.") },
]);

const isolator = s.record("MkACIIsolator", "An isolator as mkACI takes it (specs type the standard ones by name).", [
  { name: "name", shape: s.string("ac-identifier"), doc: "The isolator's name, an AC identifier." },
  { name: "value", shape: s.json(), doc: "Its value, as JSON data." },
]);

const dependency = s.record("Dependency", "Another image this one is layered on.", [
  { name: "imageName", shape: s.string("ac-identifier"), doc: "AC identifier of the image." },
  { name: "imageID", shape: s.string("image-id"), default: dflt.absent, doc: "`sha512-` followed by hex digits." },
  { name: "labels", shape: s.strings(["ac-identifier", "label-name"]), default: dflt.value({}), doc: "Labels the dependency must carry (e.g. `version`, `os`, `arch`)." },
  { name: "size", shape: s.int(0, Number.MAX_SAFE_INTEGER), default: dflt.absent, doc: "Size in bytes, for checking the download." },
]);

const id32 = s.int(0, 4294967294);
const etcUser = s.record("EtcUser", "An `/etc/passwd` entry.", [
  { name: "name", shape: s.string("user-name"), doc: "User name, unique; not `root` (always present)." },
  { name: "uid", shape: id32, doc: "0–4294967294." },
  { name: "gid", shape: id32, doc: "0–4294967294." },
  { name: "home", shape: s.string("absolute-path", "passwd-field"), default: dflt.value("/"), doc: "Home folder." },
  { name: "shell", shape: s.string("absolute-path", "passwd-field"), default: dflt.value("/bin/sh"), doc: "Login shell." },
  { name: "gecos", shape: s.string("passwd-field"), default: dflt.value(""), doc: "Comment field." },
]);
const etcGroup = s.record("EtcGroup", "An `/etc/group` entry.", [
  { name: "name", shape: s.string("user-name"), doc: "Group name, unique; not `root` (always present)." },
  { name: "gid", shape: id32, doc: "0–4294967294." },
  { name: "members", shape: s.list(s.string("user-name")), default: dflt.value([]), doc: "User names: `root` or users of `etc.users`." },
]);
const etc = s.record("EtcFiles", "Generated files under `/etc` (root, uid and gid 0, is always in passwd and group, first).", [
  { name: "hosts", shape: s.string(), default: dflt.absent, doc: "Contents of `/etc/hosts` (default: whatever the packages bring)." },
  { name: "users", shape: s.list(etcUser, { unique: ["name"] }), default: dflt.value([]), doc: "`/etc/passwd` entries after root." },
  { name: "groups", shape: s.list(etcGroup, { unique: ["name"] }), default: dflt.value([]), doc: "`/etc/group` entries after root." },
]);

/** mkACI's arguments, in the order generated calls list them. */
export const MKACI_ARGUMENTS: readonly Field[] = [
  { name: "name", shape: s.string("ac-identifier"), doc: "AC identifier of the image, e.g. `example.org/busybox`; the file name uses its last `/` part (or `variant`).", becomes: "manifest `name`" },
  {
    name: "version",
    shape: s.string("version"),
    default: dflt.computed("the version of `packages[0]` (its `version`, else parsed from its name)"),
    doc: "The image's version; it is part of file and store path names.",
    becomes: "label `version` (never a top-level key)",
  },
  {
    name: "os",
    shape: s.enumOf("ACIOs", "Operating systems appc knows.", ALL_OS),
    default: dflt.computed("from the Nix system (`x86_64-linux` → `linux`)"),
    doc: "The image's operating system; give `os` and `arch` together or neither.",
    becomes: "label `os`",
  },
  {
    name: "arch",
    shape: s.enumOf("ACIArch", "Architectures appc knows (valid pairs: see the `os-arch` rule).", ALL_ARCHS),
    default: dflt.computed("from the Nix system (`x86_64-linux` → `amd64`)"),
    doc: "The image's architecture, a valid pair with `os`.",
    becomes: "label `arch`",
  },
  {
    name: "variant",
    shape: s.string("variant"),
    default: dflt.absent,
    doc: "Which variant of a spec this image is (generated files set it to the variant's name, so that no two images of one tree share a file name).",
    becomes: "label `variant` after `arch`; the NAME part of the file name",
    generated: true,
  },
  {
    name: "labels",
    shape: s.strings(["ac-identifier", "label-name", "label-field"]),
    default: dflt.value({}),
    doc: "Extra labels (AC identifier names; not `name`, `version`, `os`, `arch`, `variant`).",
    becomes: "labels after `version`, `os`, `arch` (and `variant`), sorted by name",
  },
  {
    name: "annotations",
    shape: s.strings(
      ["ac-identifier"],
      [
        { name: "authors", doc: 'Who made the image, e.g. `"Jane Doe <jane@example.org>"`.', specRules: [] },
        { name: "homepage", doc: "An http(s) URL.", specRules: ["url"] },
        { name: "documentation", doc: "An http(s) URL.", specRules: ["url"] },
        { name: "created", doc: 'Creation time, RFC 3339 (e.g. `"1970-01-01T00:00:01Z"`); leave unset for reproducible builds.', specRules: ["rfc3339"] },
      ],
      { typeName: "Annotations", doc: "Image annotations; the well-known ones are listed, any other AC identifier may be used." },
    ),
    default: dflt.value({}),
    doc: "Image annotations (`authors`, `homepage`, `documentation`, `created`, …).",
    becomes: `\`annotations\`, ${nameValueNote}`,
  },
  {
    name: "packages",
    shape: s.list(s.package(), { nonEmpty: true }),
    doc: "What goes into the image (derivations), merged at its root like `buildEnv`.",
    becomes: "the root filesystem; their closure under `/nix/store` (fat) or mounted from the host (thin)",
  },
  { name: "exec", ...exec("Command and arguments; `exec[0]` must be an absolute path."), becomes: "`app.exec`" },
  {
    name: "user",
    shape: s.string("non-empty"),
    default: dflt.value("0"),
    doc: "User name or number; a name must be `root` or in `etc.users`.",
    becomes: "`app.user`",
  },
  {
    name: "group",
    shape: s.string("non-empty"),
    default: dflt.value("0"),
    doc: "Group name or number; a name must be `root` or in `etc.groups`.",
    becomes: "`app.group`",
  },
  { name: "supplementaryGIDs", shape: s.list(id32), default: dflt.value([]), doc: "Extra group ids (0–4294967294).", becomes: "`app.supplementaryGIDs`" },
  {
    name: "environment",
    shape: s.strings(["env-name"]),
    default: dflt.value({}),
    doc: "Environment variables (`^[A-Za-z_][A-Za-z_0-9.-]*$` names).",
    becomes: `\`app.environment\`, ${nameValueNote}`,
  },
  { name: "workingDirectory", shape: s.string("absolute-path"), default: dflt.absent, doc: "The app's working folder, an absolute path (unset: the runtime's, `/`).", becomes: "`app.workingDirectory`" },
  {
    name: "eventHandlers",
    shape: s.list(eventHandler, { unique: ["name"] }),
    default: dflt.value([]),
    doc: "At most one `pre-start` and one `post-stop`.",
    becomes: "`app.eventHandlers`",
  },
  { name: "ports", shape: s.list(port, { unique: ["name"] }), default: dflt.value([]), doc: "Ports the app listens on.", becomes: "`app.ports` (with `count` and `socketActivated` written out)" },
  {
    name: "mountPoints",
    shape: s.list(mountPoint, { unique: ["name", "path"] }),
    default: dflt.value([]),
    doc: "Where volumes are mounted.",
    becomes: "`app.mountPoints` (thin images add one read-only mount point per store path)",
  },
  {
    name: "isolators",
    shape: s.list(isolator),
    default: dflt.value([]),
    doc: "Isolators (`{ name; value; }`): standard ones, each with its own value shape, then any custom ones.",
    becomes: "`app.isolators`",
  },
  {
    name: "userAnnotations",
    shape: s.strings(["json-key"]),
    default: dflt.value({}),
    doc: "Free-form annotations for the user (any names).",
    becomes: "`app.userAnnotations` (an object)",
  },
  {
    name: "userLabels",
    shape: s.strings(["json-key"]),
    default: dflt.value({}),
    doc: "Free-form labels for the user (any names).",
    becomes: "`app.userLabels` (an object)",
  },
  { name: "dependencies", shape: s.list(dependency), default: dflt.value([]), doc: "Images this one is layered on.", becomes: "`dependencies` (labels as `{name, value}` lists)" },
  { name: "pathWhitelist", shape: s.list(s.string("absolute-path")), default: dflt.value([]), doc: "Only these paths of the dependencies are kept.", becomes: "`pathWhitelist`" },
  {
    name: "thin",
    shape: s.bool(),
    default: dflt.value(false),
    doc: "Thin image: store paths are mounted from the host instead of copied.",
    becomes: "an image with empty store folders, one read-only mount point each, and a `.mounts` file",
  },
  {
    name: "compression",
    shape: s.enumOf("Compression", "Compressor of the `.aci` file.", ["none", "gzip", "bzip2", "xz"]),
    default: dflt.value("gzip"),
    doc: "Compressor of the `.aci` (`pigz -n`, `bzip2 -9`, `xz -6` with a fixed block size: same bytes whatever the thread count).",
    becomes: "the `.aci` file",
  },
  {
    name: "maxLayers",
    shape: s.int(2, 125),
    default: dflt.value(100),
    doc: "OCI images (mkOCI) only: at most this many layers, the root filesystem's included; mkACI ignores it.",
    becomes: "nothing: an ACI is one archive",
  },
  { name: "etc", shape: etc, default: dflt.value({}), doc: "Generated `/etc/hosts`, `/etc/passwd`, `/etc/group`.", becomes: "files in the root filesystem" },
  {
    name: "extraCommands",
    shape: s.string(),
    default: dflt.value(""),
    doc: "Shell run in the root filesystem before packing (`set -eu -o pipefail`).",
    becomes: "the root filesystem",
  },
];

/**
 * Spec fields that are not mkACI arguments: they shape the generated Nix file, not the call.
 * `after`: the argument they follow in the spec types and docs.
 */
export const SPEC_ONLY_FIELDS: readonly { readonly name: string; readonly after: string; readonly type: string; readonly doc: string }[] = [
  { name: "params", after: "packages", type: "Readonly<Record<string, ParamValue>>", doc: "Arguments of the generated Nix function, with their defaults: `{ static: false }`." },
  { name: "variants", after: "params", type: "Readonly<Record<string, ACIVariant>>", doc: "Named variations of this spec, e.g. `{ busyboxThin: { thin: true } }`." },
  {
    name: "customIsolators",
    after: "isolators",
    type: "readonly CustomIsolator[]",
    doc: "Isolators appc 0.8.11 does not know (actool rejects them; rkt may not); mkACI gets them after `isolators`.",
  },
  {
    name: "format",
    after: "maxLayers",
    type: '"aci" | "oci"',
    doc: 'The image the attribute builds: `"aci"` (mkACI, the default) or `"oci"` (mkOCI, docs/oci.md). In a variant (`busyboxOci: { format: "oci" }`) one spec gives both.',
  },
];

/** Spec fields whose TypeScript type is narrower than the mkACI argument's shape. */
export const SPEC_TYPES: Readonly<Record<string, { readonly type: string; readonly doc: string }>> = {
  isolators: { type: "readonly Isolator[]", doc: "Standard appc isolators, each with its own value shape (typed by name)." },
  packages: { type: "readonly [PackageRef, ...PackageRef[]]", doc: "What goes into the image: `pkgs.busybox`, `pkgs.pkgsStatic.busybox`, `when(…)`, `rawNix(…)`." },
};

/**
 * Rules written as code rather than as a shape or a regular expression (most are about several
 * fields at once). validateSpec (rules.ts) and mkACI (nix/lib/check.nix) each implement every
 * one by its id; the differential test proves they agree.
 */
export const CODED_RULES: readonly { readonly id: string; readonly doc: string }[] = [
  { id: "os-arch", doc: "`os` and `arch` are given together or not at all, and form a valid appc pair." },
  { id: "user-exists", doc: "`user` is a number, `root`, or a name in `etc.users`." },
  { id: "group-exists", doc: "`group` is a number, `root`, or a name in `etc.groups`." },
  { id: "port-range", doc: "`port + count - 1 <= 65535` for every port." },
  { id: "isolator-once", doc: "seccomp, selinux, oom-score-adj, cpu-shares and sysctl isolators appear at most once." },
  { id: "isolator-conflict", doc: "seccomp retain and remove sets are not used together." },
  { id: "root-builtin", doc: "`etc.users` and `etc.groups` do not list `root` (it is always there)." },
  { id: "member-exists", doc: "Group members are `root` or users of `etc.users`." },
  { id: "label-os-arch", doc: "A dependency's `os` label is an appc os, its `arch` label valid with it." },
  { id: "thin-store", doc: "A thin image's `extraCommands` do not mention `/nix/store` (its store folders are empty at build time)." },
  { id: "json-float", doc: "A non-integer number in JSON data survives Nix's `builtins.toJSON` (6 significant digits)." },
];

/**
 * What only validateSpec checks, and why mkACI does not (the differential test allows these, and
 * only these, to be refused by the generator while Nix accepts).
 */
export const GENERATOR_ONLY: readonly { readonly rules: readonly string[]; readonly why: string }[] = [
  { rules: ["no-nul", "unicode"], why: "Nix strings cannot hold NUL or lone UTF-16 surrogates: such a value never reaches mkACI" },
  { rules: ["nix-number"], why: "numbers Nix has no literal for (NaN, infinities, -0, subnormals, integers beyond int64) cannot be written into the .nix file" },
  { rules: ["isolator-name", "isolator-value", "custom-isolator"], why: "specs type the standard isolators by name; mkACI passes any isolator value through as JSON data (actool checks them)" },
  { rules: ["url", "rfc3339"], why: "well-known annotation values (homepage, documentation, created) are checked for the user's sake; mkACI takes any string" },
  {
    rules: ["package-ref", "param-declared", "param-boolean", "param-name", "param-reserved", "param-type", "when", "attr-path", "raw-nix", "override", "json"],
    why: "packages, params and references are the generator's: Nix sees only their evaluated result",
  },
  { rules: ["variant-name", "attr-unique"], why: "variants and attribute names shape the generated default.nix" },
];

/**
 * Names a spec's params cannot take: the arguments every generated file already has, and `lib`
 * (nixpkgs' library, which callPackage would pass).
 */
export const RESERVED_PARAMS: readonly string[] = ["pkgs", "mkACI", "overrides", "lib"];

/** Record fields a variant merges key by key (every other field is replaced as a whole). */
export const MERGED_FIELDS: readonly string[] = [
  "params",
  ...MKACI_ARGUMENTS.filter((f) => f.shape.kind === "strings").map((f) => f.name),
];

/** The arguments a spec writes (all but those the generator sets). */
export const SPEC_ARGUMENTS: readonly Field[] = MKACI_ARGUMENTS.filter((f) => f.generated !== true);
