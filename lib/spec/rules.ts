/**
 * The spec rules zod does not check, run on the raw input whatever zod found (so every problem is
 * reported at once): the table's list rules (unique items, the first item's rules), JSON data,
 * the table's coded rules (CODED_RULES: the same ids as nix/lib/check.nix implements), and the
 * generator's own rules (params, references, custom isolators). Each check skips values of the
 * wrong type: zod reports those.
 */
import { fromJS, NixPrintError } from "../nix/index.js";
import { hasLoneSurrogate, hasNul, isHttpUrl, isRfc3339, MSG } from "./appc-rules.js";
import { CONFLICTING_ISOLATORS, isValidOsArch, OS_ARCH, SINGLE_ISOLATORS, STANDARD_ISOLATORS } from "./arguments/appc.js";
import type { Field, Shape } from "./arguments/shape.js";
import { passes, STRING_RULES } from "./arguments/string-rules.js";
import { RESERVED_PARAMS, SPEC_ARGUMENTS } from "./arguments/table.js";
import { isPackageRef, isRef, refNode, type Ref } from "./dsl.js";
import { isPlainObject } from "./json.js";
import type { PathSegment, Problems } from "./problems.js";
import { isNixIdentifier, specAttrName } from "./variants.js";

type Path = readonly PathSegment[];
const asList = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const asRecord = (v: unknown): Readonly<Record<string, unknown>> => (isPlainObject(v) ? v : {});
const field = (v: unknown, key: string): unknown => asRecord(v)[key];
const isString = (v: unknown): v is string => typeof v === "string";

/** The problem with writing `value` into a .nix file (NaN, -0, subnormal, beyond int64), if any. */
function nixNumberProblem(value: number): string | undefined {
  try {
    fromJS(value);
    return undefined;
  } catch (error) {
    if (error instanceof NixPrintError) return error.message.replace(/^\$: /, "");
    throw error;
  }
}

/**
 * What `builtins.toJSON` writes for a Nix float: C++ `ostream << double`, i.e. printf `%g` with 6
 * significant digits (Nix 2.8).
 */
export function nixFloatJson(x: number): string {
  if (x === 0) return "0";
  const [mantissa = "", exponentText = "0"] = x.toExponential(5).split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const digits = String(Math.abs(exponent)).padStart(2, "0");
    return `${mantissa.replace(/\.?0+$/, "")}e${exponent < 0 ? "-" : "+"}${digits}`;
  }
  const fixed = x.toFixed(5 - exponent);
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

interface DataOptions {
  /** References may stand in the data (override arguments). */
  readonly refs: boolean;
  /** The data goes into the manifest through builtins.toJSON (isolator values). */
  readonly manifest: boolean;
  readonly params: Readonly<Record<string, unknown>>;
}

/** JSON-like data, reporting the exact path of what is not. */
function checkData(p: Problems, value: unknown, path: Path, options: DataOptions): void {
  if (value === null || typeof value === "boolean") return;
  if (typeof value === "string") {
    if (hasNul(value)) p.add(path, "no-nul", MSG.noNul, value);
    if (hasLoneSurrogate(value)) p.add(path, "unicode", MSG.unicode, value);
    return;
  }
  if (typeof value === "number") {
    const problem = nixNumberProblem(value);
    if (problem !== undefined) p.add(path, "nix-number", `must be a number Nix can hold (${problem})`, value);
    else if (options.manifest && !Number.isInteger(value) && Number(nixFloatJson(value)) !== value) {
      p.add(path, "json-float", `would reach the manifest as ${nixFloatJson(value)} (Nix's builtins.toJSON keeps 6 significant digits): write it as a string or with fewer digits`, value);
    }
    return;
  }
  if (isRef(value)) {
    if (options.refs) checkRef(p, value, path, options, "value");
    else p.add(path, "json", "must be plain data (no Nix references here)", value);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkData(p, item, [...path, i], options));
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (hasNul(key)) p.add([...path, key], "no-nul", `key ${MSG.noNul}`, key);
      if (hasLoneSurrogate(key)) p.add([...path, key], "unicode", `key ${MSG.unicode}`, key);
      if (options.manifest && !passes("json-key", key)) p.add([...path, key], "json-key", `name ${STRING_RULES["json-key"].message}`, key);
      checkData(p, item, [...path, key], options);
    }
    return;
  }
  p.add(path, "json", "must be JSON-like data (null, boolean, number, string, list, plain object)", value);
}

/** A reference in `packages` (`want: "package"`) or inside override arguments (`want: "value"`). */
function checkRef(p: Problems, ref: Ref, path: Path, options: DataOptions, want: "package" | "value"): void {
  const node = refNode(ref);
  const params = options.params;
  switch (node.kind) {
    case "attrPath":
      if (node.path.length === 0 || node.path.some((s) => typeof s !== "string" || s === "" || hasNul(s) || hasLoneSurrogate(s))) {
        p.add(path, "attr-path", "attribute names must be non-empty valid Unicode strings without NUL", node.path);
      }
      return;
    case "override":
      checkRef(p, node.base, path, options, "package");
      if (!isPlainObject(node.args)) p.add(path, "override", "override arguments must be an object", node.args);
      else for (const [key, arg] of Object.entries(node.args)) checkData(p, arg, [...path, "override", key], { ...options, refs: true, manifest: false });
      return;
    case "param":
      if (want === "package") {
        p.add(path, "package-ref", `a param is not a package; use when(param(${JSON.stringify(node.name)}), …)`, ref);
      } else if (!Object.hasOwn(params, node.name)) {
        p.add(path, "param-declared", `param ${JSON.stringify(node.name)} is not declared in params`, ref);
      }
      return;
    case "when": {
      const cond = node.cond as unknown;
      if (isRef(cond) && refNode(cond).kind === "param") {
        const name = (refNode(cond) as { name: string }).name;
        if (!Object.hasOwn(params, name)) {
          p.add(path, "param-declared", `param ${JSON.stringify(name)} is not declared in params`, cond);
        } else if (typeof params[name] !== "boolean") {
          p.add(path, "param-boolean", `when(param(${JSON.stringify(name)}), …) needs a boolean param`, params[name]);
        }
      } else if (!isRef(cond) || refNode(cond).kind !== "rawNix") {
        p.add(path, "when", "the condition of when(…) must be param(…) or rawNix(…)", cond);
      }
      for (const branch of [node.then, node.else] as unknown[]) {
        if (want === "package") {
          if (isPackageRef(branch)) checkRef(p, branch, path, options, "package");
          else p.add(path, "package-ref", "both branches of when(…) in packages must be package references", branch);
        } else checkData(p, branch, path, { ...options, refs: true, manifest: false });
      }
      return;
    }
    case "rawNix":
      if (typeof node.expr !== "object" || node.expr === null) p.add(path, "raw-nix", "rawNix(…) needs a lib/nix expression", ref);
      return;
  }
}

/**
 * The table's rules beyond one value: unique list items, the first item's string rules, JSON data
 * (isolator values), and the generator's checks of well-known keys (annotation URLs and times).
 */
function checkShape(p: Problems, shape: Shape, value: unknown, path: Path, params: Readonly<Record<string, unknown>>): void {
  switch (shape.kind) {
    case "list": {
      const items = asList(value);
      items.forEach((item, i) => checkShape(p, shape.of, item, [...path, i], params));
      const first = items[0];
      if (isString(first)) {
        for (const id of shape.first) if (!passes(id, first)) p.add([...path, 0], id, STRING_RULES[id].message, first);
      }
      for (const key of shape.unique) unique(p, items, path, key);
      return;
    }
    case "record":
      for (const f of shape.fields) {
        if (isPlainObject(value) && Object.hasOwn(value, f.name)) checkShape(p, f.shape, value[f.name], [...path, f.name], params);
      }
      return;
    case "strings":
      // zod skips a `__proto__` key of a record altogether: its rules are checked here.
      if (isPlainObject(value) && Object.hasOwn(value, "__proto__")) {
        const at = [...path, "__proto__"];
        for (const id of shape.keys) if (!passes(id, "__proto__")) p.add(at, id, `name ${STRING_RULES[id].message}`, "__proto__");
        const text = value["__proto__"];
        if (!isString(text)) p.add(at, "type", "must be a string", text);
        else checkData(p, text, at, { refs: false, manifest: false, params });
      }
      for (const known of shape.known) {
        const text = field(value, known.name);
        if (!isString(text)) continue;
        for (const r of known.specRules) {
          if (r === "url" && !isHttpUrl(text)) p.add([...path, known.name], "url", MSG.httpUrl, text);
          if (r === "rfc3339" && !isRfc3339(text)) p.add([...path, known.name], "rfc3339", MSG.rfc3339, text);
        }
      }
      return;
    case "json":
      checkData(p, value, path, { refs: false, manifest: true, params });
      return;
    default:
      return;
  }
}

/** Reports items whose string `key` repeats an earlier item's. */
function unique(p: Problems, items: readonly unknown[], listPath: Path, key: string): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const value = field(item, key);
    if (!isString(value)) return;
    const first = seen.get(value);
    if (first === undefined) seen.set(value, i);
    else p.add([...listPath, i, key], "unique", `must be unique in this list (item ${first} has the same ${key})`, value);
  });
}

/** user/group: numbers and root are always fine, other names must be declared in etc. */
function checkPrincipal(p: Problems, spec: unknown, key: "user" | "group", listKey: "users" | "groups"): void {
  const value = field(spec, key);
  if (!isString(value) || value === "" || /^[0-9]+$/.test(value) || value === "root") return;
  const declared = asList(field(field(spec, "etc"), listKey)).map((e) => field(e, "name"));
  if (!declared.includes(value)) p.add([key], `${key}-exists`, `a ${key} name must be a number, "root", or declared in etc.${listKey}`, value);
}

function checkOsArch(p: Problems, spec: unknown): void {
  const os = field(spec, "os");
  const arch = field(spec, "arch");
  if ((os === undefined) !== (arch === undefined)) {
    const [given, missing] = os === undefined ? ["arch", "os"] : ["os", "arch"];
    p.add([given], "os-arch", `needs ${missing} too: give os and arch together (or neither, for the Nix system's)`, field(spec, given));
  } else if (isString(os) && isString(arch) && Object.hasOwn(OS_ARCH, os) && !isValidOsArch(os, arch)) {
    p.add(["arch"], "os-arch", `must be one of ${OS_ARCH[os as keyof typeof OS_ARCH].join(", ")} for os ${os}`, arch);
  }
}

function checkIsolatorNames(p: Problems, spec: unknown): void {
  const names = [...asList(field(spec, "isolators")), ...asList(field(spec, "customIsolators"))].map((iso) => field(iso, "name"));
  const standard = asList(field(spec, "isolators")).length;
  const at = (i: number): Path => (i < standard ? ["isolators", i, "name"] : ["customIsolators", i - standard, "name"]);
  names.forEach((name, i) => {
    if (!isString(name)) return;
    const earlier = names.slice(0, i);
    if (SINGLE_ISOLATORS.includes(name) && earlier.includes(name)) p.add(at(i), "isolator-once", "may appear only once", name);
    for (const [a, b] of CONFLICTING_ISOLATORS) {
      const other = a === name ? b : b === name ? a : undefined;
      if (other !== undefined && earlier.includes(other)) p.add(at(i), "isolator-conflict", `cannot be used together with ${other}`, name);
    }
    if (i >= standard && STANDARD_ISOLATORS.includes(name)) {
      p.add(at(i), "custom-isolator", "is a standard isolator: put it under isolators (its value is then type-checked)", name);
    }
  });
}

function checkEtc(p: Problems, etc: unknown): void {
  const users = asList(field(etc, "users"));
  const userNames = new Set<unknown>(["root", ...users.map((u) => field(u, "name"))]);
  users.forEach((u, i) => {
    if (field(u, "name") === "root") p.add(["etc", "users", i, "name"], "root-builtin", "root is always in /etc/passwd; do not list it", "root");
  });
  asList(field(etc, "groups")).forEach((g, i) => {
    if (field(g, "name") === "root") p.add(["etc", "groups", i, "name"], "root-builtin", "root is always in /etc/group; do not list it", "root");
    asList(field(g, "members")).forEach((m, j) => {
      if (isString(m) && !userNames.has(m)) p.add(["etc", "groups", i, "members", j], "member-exists", "must be root or a user of etc.users", m);
    });
  });
}

function checkDependencyLabels(p: Problems, spec: unknown): void {
  asList(field(spec, "dependencies")).forEach((dep, i) => {
    const labels = asRecord(field(dep, "labels"));
    const os = labels["os"];
    const arch = labels["arch"];
    if (!isString(os)) return;
    const path = ["dependencies", i, "labels"];
    if (!Object.hasOwn(OS_ARCH, os)) p.add([...path, "os"], "label-os-arch", `must be one of ${Object.keys(OS_ARCH).join(", ")}`, os);
    else if (isString(arch) && !isValidOsArch(os, arch)) {
      p.add([...path, "arch"], "label-os-arch", `must be one of ${OS_ARCH[os as keyof typeof OS_ARCH].join(", ")} for os ${os}`, arch);
    }
  });
}

/** Rules about the spec's params: names (one reserved list), JSON-like values. */
function checkParams(p: Problems, params: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(params)) {
    if (!isNixIdentifier(name)) p.add(["params", name], "param-name", "param name must be a Nix identifier ([A-Za-z_][A-Za-z0-9_'-]*, not a keyword)", name);
    else if (RESERVED_PARAMS.includes(name)) {
      p.add(["params", name], "param-reserved", `param name is reserved: every generated file takes ${RESERVED_PARAMS.join(", ")}`, name);
    }
    checkData(p, value, ["params", name], { refs: false, manifest: false, params });
  }
}

const topShape = (fields: readonly Field[]): Shape => ({ kind: "record", typeName: "", doc: "", fields });
const isolatorShape = SPEC_ARGUMENTS.find((f) => f.name === "isolators")?.shape;

/** Every rule of one spec or one resolved variant that zod does not check. */
export function checkSpecRules(p: Problems, spec: unknown): void {
  const params = asRecord(field(spec, "params"));
  checkParams(p, params);
  asList(field(spec, "packages")).forEach((pkg, i) => {
    if (isPackageRef(pkg)) checkRef(p, pkg, ["packages", i], { refs: true, manifest: false, params }, "package");
  });
  checkShape(p, topShape(SPEC_ARGUMENTS), spec, [], params);
  if (isolatorShape !== undefined && Object.hasOwn(asRecord(spec), "customIsolators")) {
    checkShape(p, isolatorShape, field(spec, "customIsolators"), ["customIsolators"], params);
  }

  checkOsArch(p, spec);
  checkPrincipal(p, spec, "user", "users");
  checkPrincipal(p, spec, "group", "groups");
  asList(field(spec, "ports")).forEach((port, i) => {
    const start = field(port, "port");
    const count = field(port, "count");
    if (typeof start === "number" && typeof count === "number" && start + count - 1 > 65535) {
      p.add(["ports", i, "count"], "port-range", `port + count - 1 must be <= 65535 (port is ${start})`, count);
    }
  });
  checkIsolatorNames(p, spec);
  checkEtc(p, field(spec, "etc"));
  checkDependencyLabels(p, spec);
  const extra = field(spec, "extraCommands");
  if (field(spec, "thin") === true && isString(extra) && extra.includes("/nix/store")) {
    p.add(["extraCommands"], "thin-store", "a thin image has empty store folders at build time: extraCommands must not use /nix/store", extra);
  }
  checkOciFormat(p, spec);
}

/** What mkOCI refuses (docs/oci.md), refused first here: a thin image, and xz or bzip2 layers. */
function checkOciFormat(p: Problems, spec: unknown): void {
  if (field(spec, "format") !== "oci") return;
  if (field(spec, "thin") === true) {
    p.add(["thin"], "oci-thin", 'an OCI image (format "oci") cannot be thin: OCI has no mount points for store paths', true);
  }
  const compression = field(spec, "compression");
  if (compression === "xz" || compression === "bzip2") {
    p.add(["compression"], "oci-compression", 'OCI layers (format "oci") are tar or tar+gzip: use "gzip" or "none"', compression);
  }
}

/** Rules about the `variants` record itself (names, params it may set). */
export function checkVariantNames(p: Problems, spec: unknown): void {
  const variants = asRecord(field(spec, "variants"));
  const name = field(spec, "name");
  const own = isString(name) ? specAttrName(name) : undefined;
  const params = asRecord(field(spec, "params"));
  for (const [variant, value] of Object.entries(variants)) {
    if (!isNixIdentifier(variant) || !passes("variant", variant)) {
      p.add(["variants", variant], "variant-name", `variant name must be a Nix identifier and ${STRING_RULES.variant.message}`, variant);
    } else if (variant === own) {
      p.add(["variants", variant], "variant-name", `variant name must differ from the spec's own attribute name "${own}"`, variant);
    }
    for (const [param, v] of Object.entries(asRecord(field(value, "params")))) {
      if (!Object.hasOwn(params, param)) {
        p.add(["variants", variant, "params", param], "param-declared", "a variant may only set params the spec declares", param);
      } else if (jsonKind(v) !== jsonKind(params[param])) {
        p.add(["variants", variant, "params", param], "param-type", `must be ${jsonKind(params[param])} like the declared default`, v);
      }
    }
  }
}

const jsonKind = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "an object" : `a ${typeof v}`;
