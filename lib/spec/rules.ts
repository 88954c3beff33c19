/**
 * Cross-field rules of a spec, run on the raw input whatever zod found (so every problem is
 * reported at once). Each check skips values of the wrong type: zod reports those.
 */
import { posix } from "node:path";
import { CONFLICTING_ISOLATORS, SINGLE_ISOLATORS, STANDARD_ISOLATORS, hasLoneSurrogate, hasNul, isAcIdentifier, isValidOsArch, MSG, VALID_OS_ARCH } from "./appc-rules.js";
import { isPackageRef, isRef, refNode, type Ref } from "./dsl.js";
import { isPlainObject } from "./json.js";
import type { PathSegment, Problems } from "./problems.js";
import { isNixIdentifier, specAttrName } from "./variants.js";

type Path = readonly PathSegment[];
const asList = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const asRecord = (v: unknown): Readonly<Record<string, unknown>> => (isPlainObject(v) ? v : {});
const field = (v: unknown, key: string): unknown => asRecord(v)[key];

/** Names the generated function already uses as arguments. */
export const RESERVED_PARAMS: readonly string[] = ["pkgs", "mkACI", "lib"];
/** Labels that have their own spec field. */
const FIELD_LABELS: Readonly<Record<string, string>> = { version: "version", os: "os", arch: "arch" };

/** Reports `(where, key)` pairs that occur more than once in a list of objects. */
function unique(p: Problems, list: unknown, listPath: Path, key: string, what: string, normalise = (s: string) => s): void {
  const seen = new Map<string, number>();
  asList(list).forEach((item, i) => {
    const value = field(item, key);
    if (typeof value !== "string") return;
    const norm = normalise(value);
    const first = seen.get(norm);
    if (first === undefined) seen.set(norm, i);
    else p.add([...listPath, i, key], "unique", `must be unique among ${what} (same as ${formatIndex(listPath, first, key)})`, value);
  });
}
const formatIndex = (listPath: Path, i: number, key: string): string =>
  `${listPath.map(String).join(".")}[${i}].${key}`;

/** JSON-like data; `allowRefs` for override arguments. Reports the exact path of what is not. */
function checkData(p: Problems, value: unknown, path: Path, ctx: RefContext, allowRefs: boolean): void {
  if (value === null || typeof value === "boolean") return;
  if (typeof value === "string") {
    if (hasNul(value)) p.add(path, "no-nul", MSG.noNul, value);
    if (hasLoneSurrogate(value)) p.add(path, "unicode", MSG.unicode, value);
    return;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) p.add(path, "json", "must be a finite number", value);
    return;
  }
  if (isRef(value)) {
    if (allowRefs) checkRef(p, value, path, ctx, "value");
    else p.add(path, "json", "must be plain data (no Nix references here)", value);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkData(p, item, [...path, i], ctx, allowRefs));
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (hasNul(key)) p.add(path, "no-nul", `key ${MSG.noNul}`, key);
      if (hasLoneSurrogate(key)) p.add(path, "unicode", `key ${MSG.unicode}`, key);
      checkData(p, item, [...path, key], ctx, allowRefs);
    }
    return;
  }
  p.add(path, "json", "must be JSON-like data (null, boolean, number, string, list, plain object)", value);
}

interface RefContext {
  readonly params: Readonly<Record<string, unknown>>;
}

/** A reference in `packages` (`want: "package"`) or inside override arguments (`want: "value"`). */
function checkRef(p: Problems, ref: Ref, path: Path, ctx: RefContext, want: "package" | "value"): void {
  const node = refNode(ref);
  switch (node.kind) {
    case "attrPath":
      if (node.path.length === 0 || node.path.some((s) => typeof s !== "string" || s === "" || hasNul(s))) {
        p.add(path, "attr-path", "attribute names must be non-empty strings without NUL", node.path);
      }
      return;
    case "override":
      checkRef(p, node.base, path, ctx, "package");
      if (!isPlainObject(node.args)) p.add(path, "override", "override arguments must be an object", node.args);
      else for (const [key, arg] of Object.entries(node.args)) checkData(p, arg, [...path, "override", key], ctx, true);
      return;
    case "param": {
      if (want === "package") {
        p.add(path, "package-ref", `a param is not a package; use when(${JSON.stringify(node.name)}, …)`, ref);
      } else if (!Object.hasOwn(ctx.params, node.name)) {
        p.add(path, "param-declared", `param ${JSON.stringify(node.name)} is not declared in params`, ref);
      }
      return;
    }
    case "when": {
      const cond = node.cond as unknown;
      if (isRef(cond) && refNode(cond).kind === "param") {
        const name = (refNode(cond) as { name: string }).name;
        if (!Object.hasOwn(ctx.params, name)) {
          p.add(path, "param-declared", `param ${JSON.stringify(name)} is not declared in params`, cond);
        } else if (typeof ctx.params[name] !== "boolean") {
          p.add(path, "param-boolean", `when(param(${JSON.stringify(name)}), …) needs a boolean param`, ctx.params[name]);
        }
      } else if (!isRef(cond) || refNode(cond).kind !== "nix") {
        p.add(path, "when", "the condition of when(…) must be param(…) or nix(…)", cond);
      }
      for (const branch of [node.then, node.else] as unknown[]) {
        if (want === "package") {
          if (isPackageRef(branch)) checkRef(p, branch, path, ctx, "package");
          else p.add(path, "package-ref", "both branches of when(…) in packages must be package references", branch);
        } else checkData(p, branch, path, ctx, true);
      }
      return;
    }
    case "nix":
      if (typeof node.expr !== "object" || node.expr === null) p.add(path, "nix", "nix(…) needs a lib/nix expression", ref);
      return;
  }
}

/** A name given as user/group: numbers and root are always fine, others must be declared. */
function checkPrincipal(p: Problems, spec: unknown, key: "user" | "group", listKey: "users" | "groups"): void {
  const value = field(spec, key);
  if (typeof value !== "string" || value === "" || /^[0-9]+$/.test(value) || value === "root") return;
  const declared = asList(field(field(spec, "etc"), listKey)).map((e) => field(e, "name"));
  if (!declared.includes(value)) {
    p.add([key], `${key}-exists`, `a ${key} name must be a number, "root", or declared in etc.${listKey}`, value);
  }
}

function checkLabels(p: Problems, labels: unknown, path: Path, reserved: boolean): void {
  const record = asRecord(labels);
  for (const name of Object.keys(record)) {
    if (name === "name") p.add([...path, name], "label-name", 'label name must not be "name"', name);
    else if (reserved && Object.hasOwn(FIELD_LABELS, name)) {
      p.add([...path, name], "label-field", `set the ${FIELD_LABELS[name] ?? name} field instead of a label`, name);
    }
  }
  const os = record["os"];
  const arch = record["arch"];
  if (!reserved && typeof os === "string") {
    if (!Object.hasOwn(VALID_OS_ARCH, os)) p.add([...path, "os"], "os", `must be one of ${Object.keys(VALID_OS_ARCH).join(", ")}`, os);
    else if (typeof arch === "string" && !isValidOsArch(os, arch)) {
      p.add([...path, "arch"], "os-arch", `must be one of ${VALID_OS_ARCH[os]?.join(", ") ?? ""} for os ${os}`, arch);
    }
  }
}

function checkIsolators(p: Problems, spec: unknown): void {
  const seen = new Map<string, number>();
  asList(field(spec, "isolators")).forEach((iso, i) => {
    const name = field(iso, "name");
    if (typeof name !== "string") return;
    if (SINGLE_ISOLATORS.has(name) && seen.has(name)) {
      p.add(["isolators", i, "name"], "isolator-once", `may appear only once (also isolators[${seen.get(name) ?? 0}])`, name);
    }
    for (const pair of CONFLICTING_ISOLATORS) {
      const other = pair[0] === name ? pair[1] : pair[1] === name ? pair[0] : undefined;
      if (other !== undefined && seen.has(other)) {
        p.add(["isolators", i, "name"], "isolator-conflict", `cannot be used together with ${other} (isolators[${seen.get(other) ?? 0}])`, name);
      }
    }
    if (!seen.has(name)) seen.set(name, i);
  });
  asList(field(spec, "customIsolators")).forEach((iso, i) => {
    const name = field(iso, "name");
    if (typeof name === "string" && STANDARD_ISOLATORS.includes(name)) {
      p.add(["customIsolators", i, "name"], "custom-isolator", "is a standard isolator: put it under isolators (its value is then type-checked)", name);
    }
    checkData(p, field(iso, "value"), ["customIsolators", i, "value"], { params: {} }, false);
  });
}

function checkEtc(p: Problems, etc: unknown): void {
  const users = field(etc, "users");
  const groups = field(etc, "groups");
  unique(p, users, ["etc", "users"], "name", "etc.users");
  unique(p, groups, ["etc", "groups"], "name", "etc.groups");
  const userNames = new Set<unknown>(["root", ...asList(users).map((u) => field(u, "name"))]);
  asList(users).forEach((u, i) => {
    if (field(u, "name") === "root") p.add(["etc", "users", i, "name"], "root-builtin", "root is always present in /etc/passwd; do not list it", "root");
  });
  asList(groups).forEach((g, i) => {
    if (field(g, "name") === "root") p.add(["etc", "groups", i, "name"], "root-builtin", "root is always present in /etc/group; do not list it", "root");
    asList(field(g, "members")).forEach((m, j) => {
      if (typeof m === "string" && !userNames.has(m)) {
        p.add(["etc", "groups", i, "members", j], "member-exists", "must be root or a user declared in etc.users", m);
      }
    });
  });
}

const normalisePath = (s: string): string => {
  const n = posix.normalize(s);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
};

/** Every cross-field rule of one spec or one resolved variant. */
export function checkSpecRules(p: Problems, spec: unknown): void {
  const params = asRecord(field(spec, "params"));
  const ctx: RefContext = { params };

  for (const [name, value] of Object.entries(params)) {
    if (!isNixIdentifier(name)) p.add(["params", name], "param-name", "param name must be a Nix identifier ([A-Za-z_][A-Za-z0-9_'-]*, not a keyword)", name);
    else if (RESERVED_PARAMS.includes(name)) p.add(["params", name], "param-reserved", `param name is reserved (${RESERVED_PARAMS.join(", ")})`, name);
    checkData(p, value, ["params", name], ctx, false);
  }

  asList(field(spec, "packages")).forEach((pkg, i) => {
    if (isPackageRef(pkg)) checkRef(p, pkg, ["packages", i], ctx, "package");
  });

  const exec0 = asList(field(spec, "exec"))[0];
  if (typeof exec0 === "string" && !exec0.startsWith("/")) p.add(["exec", 0], "absolute-path", MSG.absolutePath, exec0);

  checkLabels(p, field(spec, "labels"), ["labels"], true);
  const os = field(spec, "os");
  const arch = field(spec, "arch");
  if (typeof os === "string" && typeof arch === "string" && Object.hasOwn(VALID_OS_ARCH, os) && !isValidOsArch(os, arch)) {
    p.add(["arch"], "os-arch", `must be one of ${VALID_OS_ARCH[os]?.join(", ") ?? ""} for os ${os}`, arch);
  }

  for (const [name, value] of Object.entries(asRecord(field(spec, "annotations")))) {
    if (!isAcIdentifier(name)) p.add(["annotations", name], "ac-identifier", `name ${MSG.acIdentifier}`, name);
    if (typeof value !== "string" && value !== undefined) p.add(["annotations", name], "type", "must be a string", value);
  }

  unique(p, field(spec, "ports"), ["ports"], "name", "ports");
  asList(field(spec, "ports")).forEach((port, i) => {
    const start = field(port, "port");
    const count = field(port, "count");
    if (typeof start === "number" && typeof count === "number" && start + count - 1 > 65535) {
      p.add(["ports", i, "count"], "port-range", `port + count - 1 must be <= 65535 (port is ${start})`, count);
    }
  });
  asList(field(spec, "eventHandlers")).forEach((handler, i) => {
    const first = asList(field(handler, "exec"))[0];
    if (typeof first === "string" && !first.startsWith("/")) p.add(["eventHandlers", i, "exec", 0], "absolute-path", MSG.absolutePath, first);
  });
  asList(field(spec, "mountPoints")).forEach((mount, i) => {
    const name = field(mount, "name");
    const path = field(mount, "path");
    if (typeof name === "string" && name.startsWith("nix-store-")) {
      p.add(["mountPoints", i, "name"], "reserved-mount", 'names starting with "nix-store-" are reserved for the store mounts of thin images', name);
    }
    if (typeof path === "string" && (normalisePath(path) === "/nix/store" || normalisePath(path).startsWith("/nix/store/"))) {
      p.add(["mountPoints", i, "path"], "reserved-mount", "/nix/store holds the image's own store paths", path);
    }
  });
  unique(p, field(spec, "mountPoints"), ["mountPoints"], "name", "mountPoints");
  unique(p, field(spec, "mountPoints"), ["mountPoints"], "path", "mountPoints", normalisePath);
  unique(p, field(spec, "eventHandlers"), ["eventHandlers"], "name", "eventHandlers");
  checkIsolators(p, spec);

  checkEtc(p, field(spec, "etc"));
  checkPrincipal(p, spec, "user", "users");
  checkPrincipal(p, spec, "group", "groups");

  const extra = field(spec, "extraCommands");
  if (field(spec, "thin") === true && typeof extra === "string" && extra.includes("/nix/store")) {
    p.add(["extraCommands"], "thin-store", "a thin image has empty store directories at build time: extraCommands must not use /nix/store", extra);
  }

  asList(field(spec, "dependencies")).forEach((dep, i) => checkLabels(p, field(dep, "labels"), ["dependencies", i, "labels"], false));
}

/** Rules about the `variants` record itself (names, params it may set). */
export function checkVariantNames(p: Problems, spec: unknown): void {
  const variants = asRecord(field(spec, "variants"));
  const name = field(spec, "name");
  const own = typeof name === "string" ? specAttrName(name) : undefined;
  const params = asRecord(field(spec, "params"));
  for (const [variant, value] of Object.entries(variants)) {
    if (!isNixIdentifier(variant)) {
      p.add(["variants", variant], "variant-name", "variant name must be a Nix identifier ([A-Za-z_][A-Za-z0-9_'-]*, not a keyword)", variant);
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

