/**
 * The test oracle for appc ImageManifests: validateManifest gives the verdict of `actool validate`
 * (appc 0.8.11) with every problem listed, plus the rules lib/spec/README.md lists under
 * "Deliberately stricter than actool". Only tests use it (test/spec/manifest-differential checks
 * it against actool itself); the product checks specs and arguments instead (lib/spec,
 * nix/lib), whose manifests the build tests judge with it and with actool.
 *
 * Its Go parsers match Go's: strings.TrimSpace's space set and the Kubernetes quantity parser come
 * from lib/spec/go-parsers.ts, go-semver is below. One documented difference: a JSON integer above
 * 2^53 that Go reads into an int64 is refused here, because JSON.parse has already rounded it.
 */
import { OS_ARCH, CONFLICTING_ISOLATORS, SINGLE_ISOLATORS, STANDARD_ISOLATORS } from "../../lib/spec/arguments/appc.js";
import { passes, STRING_RULES } from "../../lib/spec/arguments/string-rules.js";
import { hasNul, isErrno, isHttpUrl, isRfc3339, MSG } from "../../lib/spec/appc-rules.js";
import { goParseInt64, isGoQuantity } from "../../lib/spec/go-parsers.js";
import { isPlainObject } from "../../lib/spec/json.js";
import { Problems, type PathSegment, type Problem } from "../../lib/spec/problems.js";
import { closest } from "../../lib/spec/suggest.js";

const VALID_OS_ARCH: Readonly<Record<string, readonly string[]>> = OS_ARCH;
const ENV_NAME = new RegExp(`^(?:${STRING_RULES["env-name"].regex})$`);
const isAcIdentifier = (s: string): boolean => passes("ac-identifier", s);
const isAcName = (s: string): boolean => passes("ac-name", s);
const ACMSG = { acIdentifier: STRING_RULES["ac-identifier"].message, acName: STRING_RULES["ac-name"].message, envName: STRING_RULES["env-name"].message };
const absolutePathMessage = STRING_RULES["absolute-path"].message;

/** Go encoding/json into an int: an integer JS can hold exactly (see the note above). */
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
const isUint = (v: unknown): v is number => isInt(v) && v >= 0;

const SEMVER_IDENTIFIER = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;

/** go-semver NewVersion succeeds and the version is not 0.0.0 (appc's SemVer). */
export function isGoSemVer(input: string): boolean {
  let rest = input;
  const plus = rest.indexOf("+");
  const metadata = plus === -1 ? "" : rest.slice(plus + 1);
  if (plus !== -1) rest = rest.slice(0, plus);
  const dash = rest.indexOf("-");
  const pre = dash === -1 ? "" : rest.slice(dash + 1);
  if (dash !== -1) rest = rest.slice(0, dash);
  const parts = rest.split(".");
  const dotParts = parts.length > 3 ? [parts[0], parts[1], parts.slice(2).join(".")] : parts;
  if (dotParts.length !== 3) return false;
  for (const id of [pre, metadata]) if (id !== "" && !SEMVER_IDENTIFIER.test(id)) return false;
  if (!dotParts.every((d) => d !== undefined && goParseInt64(d))) return false;
  const zero = dotParts.every((d) => BigInt(d ?? "1") === 0n) && pre === "" && metadata === "";
  return !zero;
}

type Path = readonly PathSegment[];
type Obj = Readonly<Record<string, unknown>>;

const TOP = ["acKind", "acVersion", "name", "labels", "app", "annotations", "dependencies", "pathWhitelist"];
const APP = [
  "exec", "eventHandlers", "user", "group", "supplementaryGIDs", "workingDirectory", "environment",
  "mountPoints", "ports", "isolators", "userAnnotations", "userLabels",
];

/** Reads typed members of one JSON object, reporting at exact paths. */
class Reader {
  constructor(
    readonly p: Problems,
    readonly obj: Obj,
    readonly path: Path,
  ) {}

  keys(allowed: readonly string[]): void {
    for (const key of Object.keys(this.obj)) {
      if (allowed.includes(key)) continue;
      const hint = closest(key, allowed);
      this.p.add([...this.path, key], "unknown-field", `is not a known field${hint === undefined ? "" : ` (did you mean "${hint}"?)`}`, this.obj[key]);
    }
  }

  /** undefined when absent; reports (and returns undefined) when of the wrong type. */
  private get<T>(key: string, ok: (v: unknown) => v is T, what: string, required: boolean): T | undefined {
    if (!Object.hasOwn(this.obj, key)) {
      if (required) this.p.add([...this.path, key], "required", `is required (${what})`);
      return undefined;
    }
    const value = this.obj[key];
    if (!ok(value)) {
      this.p.add([...this.path, key], "type", `must be ${what}`, value);
      return undefined;
    }
    return value;
  }

  string(key: string, required = false): string | undefined {
    const s = this.get(key, (v): v is string => typeof v === "string", "a string", required);
    if (s !== undefined && hasNul(s)) this.p.add([...this.path, key], "no-nul", MSG.noNul, s);
    return s;
  }
  bool(key: string): boolean | undefined {
    return this.get(key, (v): v is boolean => typeof v === "boolean", "true or false", false);
  }
  uint(key: string): number | undefined {
    return this.get(key, isUint, "a non-negative integer", false);
  }
  list(key: string, required = false): readonly unknown[] | undefined {
    return this.get(key, Array.isArray, "a list", required);
  }
  object(key: string): Obj | undefined {
    return this.get(key, isPlainObject, "an object", false);
  }
  at(key: string | number): Path {
    return [...this.path, key];
  }
}

/** Each item of a list that must hold objects; reports the others. */
function objects(p: Problems, list: readonly unknown[] | undefined, path: Path): [Reader, number][] {
  const out: [Reader, number][] = [];
  (list ?? []).forEach((item, i) => {
    if (isPlainObject(item)) out.push([new Reader(p, item, [...path, i]), i]);
    else p.add([...path, i], "type", "must be an object", item);
  });
  return out;
}

function strings(p: Problems, list: readonly unknown[] | undefined, path: Path): string[] {
  const out: string[] = [];
  (list ?? []).forEach((item, i) => {
    if (typeof item !== "string") p.add([...path, i], "type", "must be a string", item);
    else {
      if (hasNul(item)) p.add([...path, i], "no-nul", MSG.noNul, item);
      out.push(item);
    }
  });
  return out;
}

function acIdentifier(p: Problems, value: string | undefined, path: Path): void {
  if (value !== undefined && !isAcIdentifier(value)) p.add(path, "ac-identifier", ACMSG.acIdentifier, value);
}

/** Reports repeated values of `key` (string members) in a list of objects. */
function unique(p: Problems, items: readonly [Reader, number][], key: string, what: string): void {
  const seen = new Map<string, number>();
  for (const [r] of items) {
    const value = r.obj[key];
    if (typeof value !== "string") continue;
    const first = seen.get(value);
    if (first === undefined) seen.set(value, r.path[r.path.length - 1] as number);
    else p.add(r.at(key), "unique", `must be unique among ${what} (same as [${first}].${key})`, value);
  }
}

/** `[{name, value}]` lists: labels, annotations, environment. */
function nameValues(p: Problems, list: readonly unknown[] | undefined, path: Path, checkName: (name: string, at: Path) => void, what: string): [Reader, number][] {
  const items = objects(p, list, path);
  for (const [r] of items) {
    r.keys(["name", "value"]);
    const name = r.string("name", true);
    r.string("value", true);
    if (name !== undefined) checkName(name, r.at("name"));
  }
  unique(p, items, "name", what);
  return items;
}

function labels(p: Problems, list: readonly unknown[] | undefined, path: Path): void {
  const items = nameValues(p, list, path, (name, at) => {
    acIdentifier(p, name, at);
    if (name === "name") p.add(at, "label-name", 'label name must not be "name"', name);
  }, "labels");
  const byName = new Map<string, [Reader, unknown]>();
  for (const [r] of items) if (typeof r.obj["name"] === "string") byName.set(r.obj["name"], [r, r.obj["value"]]);
  const os = byName.get("os");
  const arch = byName.get("arch");
  if (os === undefined || typeof os[1] !== "string") return;
  const archs = VALID_OS_ARCH[os[1]];
  if (archs === undefined) {
    p.add(os[0].at("value"), "os", `os must be one of ${Object.keys(VALID_OS_ARCH).join(", ")}`, os[1]);
  } else if (arch !== undefined && typeof arch[1] === "string" && !archs.includes(arch[1])) {
    p.add(arch[0].at("value"), "os-arch", `arch must be one of ${archs.join(", ")} for os ${os[1]}`, arch[1]);
  }
}

function annotations(p: Problems, list: readonly unknown[] | undefined, path: Path): void {
  const items = nameValues(p, list, path, (name, at) => acIdentifier(p, name, at), "annotations");
  for (const [r] of items) {
    const { name, value } = r.obj;
    if (typeof value !== "string") continue;
    if (name === "created" && !isRfc3339(value)) p.add(r.at("value"), "rfc3339", `created ${MSG.rfc3339}`, value);
    if ((name === "homepage" || name === "documentation") && !isHttpUrl(value)) p.add(r.at("value"), "url", `${name} ${MSG.httpUrl}`, value);
  }
}

function stringMap(p: Problems, obj: Obj | undefined, path: Path): void {
  for (const [key, value] of Object.entries(obj ?? {})) {
    if (hasNul(key)) p.add([...path, key], "no-nul", `key ${MSG.noNul}`, key);
    if (typeof value !== "string") p.add([...path, key], "type", "must be a string", value);
    else if (hasNul(value)) p.add([...path, key], "no-nul", MSG.noNul, value);
  }
}

/** The Go quantity parser sees the raw JSON text of the value (without quotes for strings). */
function quantity(r: Reader, key: string): void {
  if (!Object.hasOwn(r.obj, key)) return;
  const value = r.obj[key];
  const raw = typeof value === "string" ? JSON.stringify(value).slice(1, -1) : typeof value === "number" ? JSON.stringify(value) : undefined;
  if (raw === undefined || !isGoQuantity(raw)) r.p.add(r.at(key), "quantity", MSG.quantity, value);
}

function nonEmptyStringSet(r: Reader): void {
  const set = r.list("set", true);
  if (set !== undefined && set.length === 0) r.p.add(r.at("set"), "non-empty", "must have at least one item", set);
  strings(r.p, set, r.at("set"));
}

/** The value of a standard isolator (the rules of its AssertValid in appc 0.8.11). */
function isolatorValue(p: Problems, name: string, value: unknown, path: Path): void {
  const asObject = (): Reader | undefined => {
    if (isPlainObject(value)) return new Reader(p, value, path);
    p.add(path, "isolator-value", `${name} needs an object value`, value);
    return undefined;
  };
  switch (name) {
    case "resource/cpu":
    case "resource/memory":
    case "resource/block-bandwidth":
    case "resource/block-iops":
    case "resource/network-bandwidth": {
      const r = asObject();
      if (r === undefined) return;
      r.keys(["default", "request", "limit"]);
      const dflt = r.bool("default") ?? false;
      quantity(r, "request");
      quantity(r, "limit");
      const needsDefault = name !== "resource/cpu" && name !== "resource/memory";
      if (needsDefault && dflt !== true) p.add(r.at("default"), "isolator-value", "default must be true", r.obj["default"]);
      if (!needsDefault && dflt) p.add(r.at("default"), "isolator-value", "default must be false", dflt);
      if (needsDefault && Object.hasOwn(r.obj, "request")) p.add(r.at("request"), "isolator-value", "request not supported by this resource", r.obj["request"]);
      return;
    }
    case "os/linux/capabilities-retain-set":
    case "os/linux/capabilities-remove-set": {
      const r = asObject();
      if (r === undefined) return;
      r.keys(["set"]);
      nonEmptyStringSet(r);
      return;
    }
    case "os/linux/seccomp-retain-set":
    case "os/linux/seccomp-remove-set": {
      const r = asObject();
      if (r === undefined) return;
      r.keys(["set", "errno"]);
      nonEmptyStringSet(r);
      const errno = r.string("errno");
      if (errno !== undefined && !isErrno(errno)) p.add(r.at("errno"), "errno", "errno must start with E and hold only upper case letters or digits", errno);
      return;
    }
    case "os/linux/selinux-context": {
      const r = asObject();
      if (r === undefined) return;
      r.keys(["user", "role", "type", "level"]);
      for (const part of ["user", "role", "type", "level"]) {
        const s = r.string(part, true);
        if (s === "" || (s !== undefined && part !== "level" && s.includes(":"))) {
          p.add(r.at(part), "isolator-value", `must be non-empty${part === "level" ? "" : " and without ':'"}`, s);
        }
      }
      return;
    }
    case "os/linux/no-new-privileges":
      if (typeof value !== "boolean") p.add(path, "isolator-value", "must be true or false", value);
      return;
    case "os/linux/oom-score-adj":
    case "os/linux/cpu-shares": {
      const [min, max] = name === "os/linux/cpu-shares" ? [2, 262144] : [-1000, 1000];
      if (!isInt(value) || value < min || value > max) p.add(path, "isolator-value", `must be an integer from ${min} to ${max}`, value);
      return;
    }
    case "os/unix/sysctl": {
      if (isPlainObject(value)) stringMap(p, value, path);
      else p.add(path, "isolator-value", "must be an object of strings", value);
      return;
    }
  }
}

function isolators(p: Problems, list: readonly unknown[] | undefined, path: Path): void {
  const seen = new Map<string, number>();
  for (const [r, i] of objects(p, list, path)) {
    r.keys(["name", "value"]);
    const name = r.string("name", true);
    if (name === undefined) continue;
    acIdentifier(p, name, r.at("name"));
    if (!STANDARD_ISOLATORS.includes(name)) {
      p.add(r.at("name"), "isolator-name", "is not a standard appc 0.8.11 isolator (actool rejects unknown isolators)", name);
    } else if (!Object.hasOwn(r.obj, "value")) p.add(r.at("value"), "required", "is required");
    else isolatorValue(p, name, r.obj["value"], r.at("value"));
    if (SINGLE_ISOLATORS.includes(name) && seen.has(name)) p.add(r.at("name"), "isolator-once", `may appear only once (also [${seen.get(name) ?? 0}])`, name);
    for (const [a, b] of CONFLICTING_ISOLATORS) {
      const other = a === name ? b : b === name ? a : undefined;
      if (other !== undefined && seen.has(other)) p.add(r.at("name"), "isolator-conflict", `cannot be used together with ${other}`, name);
    }
    if (!seen.has(name)) seen.set(name, i);
  }
}

function exec(p: Problems, r: Reader, key: string): void {
  const list = r.list(key, true);
  if (list === undefined) return;
  const items = strings(p, list, r.at(key));
  if (list.length === 0) p.add(r.at(key), "non-empty", "must have at least one item", list);
  else if (items.length === list.length && !(items[0] ?? "").startsWith("/")) p.add([...r.at(key), 0], "absolute-path", absolutePathMessage, items[0]);
}

function app(p: Problems, a: Reader): void {
  a.keys(APP);
  exec(p, a, "exec");
  for (const key of ["user", "group"]) {
    const s = a.string(key, true);
    if (s === "") p.add(a.at(key), "non-empty", "must not be empty", s);
  }
  const gids = a.list("supplementaryGIDs");
  (gids ?? []).forEach((g, i) => {
    if (!isInt(g)) p.add([...a.at("supplementaryGIDs"), i], "type", "must be an integer", g);
  });
  const wd = a.string("workingDirectory");
  if (wd !== undefined && wd !== "" && !wd.startsWith("/")) p.add(a.at("workingDirectory"), "absolute-path", absolutePathMessage, wd);

  const handlers = objects(p, a.list("eventHandlers"), a.at("eventHandlers"));
  for (const [h] of handlers) {
    h.keys(["name", "exec"]);
    const name = h.string("name", true);
    if (name !== undefined && name !== "pre-start" && name !== "post-stop") p.add(h.at("name"), "one-of", 'must be "pre-start" or "post-stop"', name);
    exec(p, h, "exec");
  }
  unique(p, handlers, "name", "eventHandlers");

  nameValues(p, a.list("environment"), a.at("environment"), (name, at) => {
    if (!ENV_NAME.test(name)) p.add(at, "env-name", ACMSG.envName, name);
  }, "environment variables");

  const mounts = objects(p, a.list("mountPoints"), a.at("mountPoints"));
  for (const [m] of mounts) {
    m.keys(["name", "path", "readOnly"]);
    const name = m.string("name", true);
    if (name !== undefined && !isAcName(name)) p.add(m.at("name"), "ac-name", ACMSG.acName, name);
    const path = m.string("path", true);
    if (path !== undefined && !path.startsWith("/")) p.add(m.at("path"), "absolute-path", absolutePathMessage, path);
    m.bool("readOnly");
  }
  unique(p, mounts, "name", "mountPoints");
  unique(p, mounts, "path", "mountPoints");

  const ports = objects(p, a.list("ports"), a.at("ports"));
  for (const [r] of ports) {
    r.keys(["name", "protocol", "port", "count", "socketActivated"]);
    const name = r.string("name", true);
    if (name !== undefined && !isAcName(name)) p.add(r.at("name"), "ac-name", ACMSG.acName, name);
    const protocol = r.string("protocol", true);
    if (protocol === "") p.add(r.at("protocol"), "non-empty", "must not be empty", protocol);
    const port = r.uint("port");
    const count = r.uint("count") ?? 0;
    if (port === undefined) {
      if (!Object.hasOwn(r.obj, "port")) p.add(r.at("port"), "required", "is required (1-65535)");
    } else if (port < 1 || port > 65535) p.add(r.at("port"), "range", "must be from 1 to 65535", port);
    else if (port + count > 65536) p.add(r.at("count"), "port-range", `port + count - 1 must be <= 65535 (port is ${port})`, count);
    r.bool("socketActivated");
  }
  unique(p, ports, "name", "ports");

  isolators(p, a.list("isolators"), a.at("isolators"));
  stringMap(p, a.object("userAnnotations"), a.at("userAnnotations"));
  stringMap(p, a.object("userLabels"), a.at("userLabels"));
}

function dependencies(p: Problems, list: readonly unknown[] | undefined, path: Path): void {
  for (const [d] of objects(p, list, path)) {
    d.keys(["imageName", "imageID", "labels", "size"]);
    acIdentifier(p, d.string("imageName", true), d.at("imageName"));
    const id = d.string("imageID");
    if (id !== undefined) {
      const parts = id.split("-");
      if (parts.length !== 2 || parts[0] !== "sha512" || parts[1] === "") p.add(d.at("imageID"), "image-id", 'must be "sha512-" followed by the hash', id);
    }
    labels(p, d.list("labels"), d.at("labels"));
    d.uint("size");
  }
}

/**
 * Every problem of an appc ImageManifest (parsed JSON). Empty means `actool validate` accepts it
 * and so do our stricter rules.
 */
export function validateManifest(json: unknown): Problem[] {
  const p = new Problems();
  if (!isPlainObject(json)) {
    p.add([], "type", "a manifest must be a JSON object", json);
    return p.list;
  }
  const m = new Reader(p, json, []);
  m.keys(TOP);
  const kind = m.string("acKind", true);
  if (kind !== undefined && kind !== "ImageManifest") p.add(["acKind"], "ac-kind", 'must be "ImageManifest"', kind);
  const version = m.string("acVersion", true);
  if (version !== undefined && !isGoSemVer(version)) p.add(["acVersion"], "semver", "must be a semantic version such as 0.8.11 (not 0.0.0)", version);
  acIdentifier(p, m.string("name", true), ["name"]);
  labels(p, m.list("labels"), ["labels"]);
  const a = m.object("app");
  if (a !== undefined) app(p, new Reader(p, a, ["app"]));
  annotations(p, m.list("annotations"), ["annotations"]);
  dependencies(p, m.list("dependencies"), ["dependencies"]);
  strings(p, m.list("pathWhitelist"), ["pathWhitelist"]);
  return p.list;
}
