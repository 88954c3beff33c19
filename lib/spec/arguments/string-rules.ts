/**
 * Named rules on strings, checked alike by validateSpec and by mkACI (printed into
 * nix/lib/arguments.nix). Each is one regular expression that the whole string must match (or,
 * with `negate`, must not match), written so that JavaScript (`^(?:…)$` with the `s` flag) and
 * Nix's `builtins.match` (POSIX extended, on UTF-8 bytes) read it the same way: only ASCII in
 * character classes, `.` for any character (newlines included in both), no escapes, no counts.
 */
export interface StringRule {
  readonly regex: string;
  /** The string must NOT match. */
  readonly negate?: true;
  /** What is required, completing "<path>: …, got <value>". */
  readonly message: string;
}

const component = "([^/.][^/]*|[.][^/.][^/]*|[.][.][^/]+)";

export const STRING_RULES = {
  "non-empty": { regex: ".+", message: "must not be empty" },
  "ac-identifier": {
    regex: "[a-z0-9]+([-._~/][a-z0-9]+)*",
    message: "must be an AC identifier (^[a-z0-9]+([-._~/][a-z0-9]+)*$)",
  },
  "ac-name": { regex: "[a-z0-9]+([-][a-z0-9]+)*", message: "must be an AC Name (^[a-z0-9]+([-][a-z0-9]+)*$)" },
  "absolute-path": { regex: "/.*", message: "must be an absolute path (start with /)" },
  "normal-path": {
    regex: `(/${component})+`,
    message: "must be an absolute path without empty, '.' or '..' parts and without a trailing /",
  },
  version: {
    regex: "[A-Za-z0-9_][A-Za-z0-9._+~-]*",
    message: "must be a version usable in file and store path names (letters, digits and . _ + ~ -, not starting with . + ~ or -)",
  },
  variant: {
    regex: "[A-Za-z_][A-Za-z0-9_-]*",
    message: "must be a variant name usable in file names (^[A-Za-z_][A-Za-z0-9_-]*$: a Nix identifier without ')",
  },
  "env-name": { regex: "[A-Za-z_][A-Za-z_0-9.-]*", message: "must be an environment variable name (^[A-Za-z_][A-Za-z_0-9.-]*$)" },
  "user-name": {
    regex: "[A-Za-z_][A-Za-z0-9_.-]*[$]?",
    message: "must be a user or group name (^[A-Za-z_][A-Za-z0-9_.-]*[$]?$)",
  },
  "passwd-field": { regex: "[^:\n]*", message: "must not contain ':' or a newline (it is a field of /etc/passwd or /etc/group)" },
  "image-id": { regex: "sha512-[0-9a-f]+", message: 'must be "sha512-" followed by lower case hex digits' },
  "label-name": { regex: "name", negate: true, message: 'must not be "name" (appc forbids a label called name)' },
  "label-field": {
    regex: "version|os|arch|variant",
    negate: true,
    message: "must not be version, os, arch or variant: those have arguments of their own",
  },
  "mount-name-reserved": {
    regex: "nix-store-.*",
    negate: true,
    message: 'must not start with "nix-store-": those names are the store mounts of thin images',
  },
  "mount-path-reserved": {
    regex: "/nix/store(/.*)?",
    negate: true,
    message: "must not be /nix/store or under it: that holds the image's own store paths",
  },
  "json-key": {
    regex: "outPath|__toString",
    negate: true,
    message: "must not be outPath or __toString: Nix's builtins.toJSON writes a set holding either as a string, not as an object",
  },
} as const satisfies Readonly<Record<string, StringRule>>;

export type StringRuleId = keyof typeof STRING_RULES;

const compiled = new Map<string, RegExp>();

/** Whether `value` passes rule `id`. */
export function passes(id: StringRuleId, value: string): boolean {
  const rule: StringRule = STRING_RULES[id];
  let regex = compiled.get(id);
  if (regex === undefined) {
    regex = new RegExp(`^(?:${rule.regex})$`, "s");
    compiled.set(id, regex);
  }
  return regex.test(value) !== (rule.negate === true);
}
