/**
 * fast-check generators of specs for the differential test, read off the argument table: a valid
 * base spec with one to three fields replaced by values of the field's shape. Leaves are mostly
 * values the field's rules accept (so that about half the specs are valid), else values another
 * rule wants, hostile text (quotes, `${`, NUL, lone surrogates, Unicode spaces), numbers at the
 * edges of every range, and record keys JavaScript or Nix treat specially.
 */
import fc from "fast-check";
import type { Shape } from "../../lib/spec/arguments/shape.js";
import { passes, type StringRuleId } from "../../lib/spec/arguments/string-rules.js";
import { SPEC_ARGUMENTS } from "../../lib/spec/arguments/table.js";
import { attrPath, ownRecord, type NixValue } from "../../lib/spec/index.js";

type Value = unknown;

/** Strings each rule accepts, and strings it refuses. */
const GOOD: Readonly<Record<StringRuleId, readonly string[]>> = {
  "non-empty": ["x", " ", "tcp", "udp"],
  "ac-identifier": ["a", "example.org/app", "a-b.c~d/e_f", "0", "type", "constructor"],
  "ac-name": ["a", "data", "a-1", "www"],
  "absolute-path": ["/", "/a b", "/x/../y", "//", "/bin/sh"],
  "normal-path": ["/data", "/a/.b/..c/...", "/é", "/srv/www"],
  version: ["1.0", "1.35.0", "_x", "1+2~3", "2.0-rc1"],
  variant: ["busyboxThin", "_a", "a-b_c"],
  "env-name": ["A", "_", "a.b-c", "PATH", "outPath", "__toString", "__proto__", "constructor", "type", "__functor"],
  "user-name": ["www", "svc$", "_a.b-c", "root"],
  "passwd-field": ["", "a b", "é", "web server"],
  "image-id": ["sha512-00ff", "sha512-0123abcd"],
  "label-name": ["label", "names", "type", "constructor"],
  "label-field": ["channel", "versions", "type"],
  "mount-name-reserved": ["nix-stor", "store-nix", "data"],
  "mount-path-reserved": ["/nix/storex", "/nix", "/data"],
  "json-key": ["outPaths", "toString", "type", "__functor", "_type", "recurseForDerivations", "__proto__", "constructor"],
};
const BAD: Readonly<Record<StringRuleId, readonly string[]>> = {
  "non-empty": [""],
  "ac-identifier": ["A", "a..b", "-a", "a/", "é", "a b", "__proto__", "outPath"],
  "ac-name": ["a.b", "A", "a--b", "-", "nix_store"],
  "absolute-path": ["a", "", " /a", "bin/sh"],
  "normal-path": ["/", "/a/", "//a", "/a/./b", "/a/..", "a", "/nix/store"],
  version: ["1 0", ".1", "-1", "1/2", "", "é", "+1"],
  variant: ["a'", "1a", "a.b", ""],
  "env-name": ["1X", "A B", "", "A=B", "é"],
  "user-name": ["1a", "a:b", "a$b", "$", "", "bob"],
  "passwd-field": ["a:b", "a\nb", "A: the first"],
  "image-id": ["sha256-00", "sha512-", "sha512-AB"],
  "label-name": ["name"],
  "label-field": ["version", "os", "arch"],
  "mount-name-reserved": ["nix-store-x", "nix-store-"],
  "mount-path-reserved": ["/nix/store", "/nix/store/x"],
  "json-key": ["outPath", "__toString"],
};
/** Text that is hard to carry into Nix and back, valid or not. */
const HOSTILE = [
  "", " ", "a\nb", "\t", "a\u0000b", "\uD800", "\uDC00x", "${x}", "$${x}", "''", "'", '"', "\\", "$", "é", "😀",
  "\u0085", "\u2028", "\uFEFF", "x".repeat(250), "a\r\nb", "/nix/store/x", "''${", "#", "\u007f",
];
/** Keys JavaScript (`__proto__`, `constructor`) or Nix (`outPath`, `type`, ...) read specially. */
export const SPECIAL_KEYS = [
  "__proto__", "constructor", "outPath", "type", "__toString", "__functor", "recurseForDerivations", "_type", "toString", "hasOwnProperty",
];

const pool = (ids: readonly StringRuleId[], from: Readonly<Record<StringRuleId, readonly string[]>>): string[] => ids.flatMap((id) => from[id]);
const allStrings = [...new Set([...Object.values(GOOD).flat(), ...Object.values(BAD).flat(), ...HOSTILE])];
/** Plain text (no rules): hostile for Nix strings, and valid. */
const TEXT = ["text", "a b", "é", "/bin/sh", 'x y "z"', "${x}", "''", "a\nb", "\\", "$", "😀", "\u0085", "", "#", "''${"];

/** Strings that pass every rule of `rules` (filtered with the TS rules: this only steers sampling). */
function goodStrings(rules: readonly StringRuleId[]): string[] {
  if (rules.length === 0) return TEXT;
  const candidates = [...new Set([...pool(rules, GOOD), ...SPECIAL_KEYS])];
  const good = candidates.filter((s) => rules.every((id) => passes(id, s)));
  return good.length > 0 ? good : candidates;
}

const wrongType: fc.Arbitrary<Value> = fc.constantFrom(1, "x", true, null, [], {}, 1.5);

/** Objects built key by key, so that a `__proto__` key is an own key, never the prototype. */
function record(entries: fc.Arbitrary<readonly (readonly [string, Value])[]>): fc.Arbitrary<Record<string, NixValue>> {
  return entries.map((list) => ownRecord(list.map(([k, v]) => [k, v as NixValue])));
}

const floats = fc.constantFrom(0.5, 1.25, 1.2345678, 123456.7, 1e21, 1e-7, 2.5e-300, -0.75, 1e300);
export const jsonData: fc.Arbitrary<Value> = fc.letrec<{ json: Value }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, 1, -5, 2 ** 53, 2 ** 60, 1e20),
    floats,
    fc.constantFrom(...HOSTILE, "text"),
    fc.array(tie("json"), { maxLength: 3 }),
    record(fc.uniqueArray(fc.tuple(fc.constantFrom(...SPECIAL_KEYS, "a", "b", "é", "a b", ""), tie("json")), { maxLength: 3, selector: ([k]) => k })),
  ),
})).json;

/** A value of `shape` that its own rules accept (rules about several fields may still fail). */
export function goodOf(shape: Shape): fc.Arbitrary<Value> {
  switch (shape.kind) {
    case "string":
      return fc.constantFrom(...goodStrings(shape.rules));
    case "bool":
      return fc.boolean();
    case "int":
      return fc.oneof(fc.constantFrom(shape.min, shape.max, Math.min(shape.max, shape.min + 1)), fc.integer({ min: shape.min, max: Math.min(shape.max, shape.min + 1000) }));
    case "enum":
      return fc.constantFrom(...shape.values);
    case "list": {
      const [key] = shape.unique;
      const items = fc.array(goodOf(shape.of), { minLength: shape.nonEmpty ? 1 : 0, maxLength: 3 });
      // Items unique in their first unique key (e.g. name); a later key may still repeat (a rule hit).
      return key === undefined ? items : items.map((list) => list.filter((item, i) => list.findIndex((other) => (other as Record<string, unknown>)[key] === (item as Record<string, unknown>)[key]) === i));
    }
    case "strings":
      return record(fc.uniqueArray(fc.tuple(fc.constantFrom(...goodStrings(shape.keys)), fc.constantFrom(...TEXT)), { maxLength: 3, selector: ([k]) => k }));
    case "record": {
      const fields = shape.fields.map((f) => fc.option(goodOf(f.shape).map((v) => [f.name, v] as const), { nil: undefined, freq: f.default === undefined ? 1000 : 2 }));
      return fc.tuple(...fields).map((entries) => ownRecord(entries.filter((e) => e !== undefined) as [string, NixValue][]));
    }
    case "package":
      return fc.constantFrom(attrPath("busybox"), attrPath("hello"));
    case "json":
      return jsonData;
  }
}

/** A value of `shape` with exactly one thing wrong somewhere inside (or everything wrong at the top). */
export function badOf(shape: Shape): fc.Arbitrary<Value> {
  const here = ((): fc.Arbitrary<Value> => {
    switch (shape.kind) {
      case "string": {
        const bad = pool(shape.rules, BAD);
        return fc.oneof(fc.constantFrom(...(bad.length > 0 ? bad : HOSTILE)), fc.constantFrom(...HOSTILE), fc.constantFrom(...allStrings), fc.string({ maxLength: 6 }));
      }
      case "int":
        return fc.constantFrom(shape.min - 1, shape.max + 1, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 60, 1e20, 1.5, 80.5, -1);
      case "enum":
        return fc.constantFrom("zstd", "windows", "", "Linux", "x86_64");
      case "list":
        return shape.nonEmpty ? fc.constant([]) : wrongType;
      case "strings": {
        const bad = [...pool(shape.keys, BAD), ...SPECIAL_KEYS, ...HOSTILE];
        return fc.oneof(
          record(fc.tuple(fc.constantFrom(...bad), fc.constantFrom(...TEXT)).map((entry) => [entry])),
          record(fc.tuple(fc.constantFrom(...goodStrings(shape.keys)), wrongType).map((entry) => [entry])),
        );
      }
      case "record": {
        const required = shape.fields.filter((f) => f.default === undefined);
        const all = shape.fields.map((f) => goodOf(f.shape).map((v) => [f.name, v] as const));
        return fc.oneof(
          fc.tuple(...all).map((entries) => ownRecord([...entries, ["readonly", true]] as [string, NixValue][])),
          ...(required.length > 0 ? [fc.tuple(...all, fc.constantFrom(...required.map((f) => f.name))).map((entries) => {
            const missing = entries.pop() as string;
            return ownRecord((entries as (readonly [string, Value])[]).filter(([k]) => k !== missing) as [string, NixValue][]);
          })] : []),
        );
      }
      default:
        return wrongType;
    }
  })();
  const inside = ((): fc.Arbitrary<Value> | undefined => {
    if (shape.kind === "list") {
      return fc.tuple(fc.array(goodOf(shape.of), { maxLength: 2 }), badOf(shape.of)).chain(([items, bad]) =>
        fc.integer({ min: 0, max: items.length }).map((at) => [...items.slice(0, at), bad, ...items.slice(at)]),
      );
    }
    if (shape.kind === "record") {
      return fc.integer({ min: 0, max: shape.fields.length - 1 }).chain((which) =>
        fc.tuple(...shape.fields.map((f, i) => (i === which ? badOf(f.shape) : goodOf(f.shape)).map((v) => [f.name, v] as const))).map((entries) =>
          ownRecord(entries as [string, NixValue][]),
        ),
      );
    }
    return undefined;
  })();
  const wrong = fc.oneof({ weight: 8, arbitrary: here }, { weight: 1, arbitrary: wrongType });
  return inside === undefined ? wrong : fc.oneof({ weight: 1, arbitrary: wrong }, { weight: 2, arbitrary: inside });
}

/** Mostly right (half the time), else one thing wrong. */
export function valueOf(shape: Shape): fc.Arbitrary<Value> {
  return fc.oneof(goodOf(shape), badOf(shape));
}

/** Standard isolators as specs write them: valid ones and ones a rule refuses. */
const STANDARD_ISOLATORS: readonly Value[] = [
  { name: "resource/cpu", value: { request: "100m", limit: 0.5 } },
  { name: "resource/cpu", value: { limit: 1.2345678 } },
  { name: "resource/memory", value: { limit: "1Gi" } },
  { name: "resource/block-bandwidth", value: { default: true, limit: "10M" } },
  { name: "os/linux/no-new-privileges", value: true },
  { name: "os/linux/capabilities-retain-set", value: { set: ["CAP_NET_ADMIN"] } },
  { name: "os/linux/capabilities-remove-set", value: { set: ["NET_ADMIN"] } },
  { name: "os/linux/seccomp-retain-set", value: { set: ["read"] } },
  { name: "os/linux/seccomp-remove-set", value: { set: ["write"], errno: "EPERM" } },
  { name: "os/linux/selinux-context", value: { user: "u", role: "r", type: "t", level: "s0:c1" } },
  { name: "os/linux/oom-score-adj", value: 5 },
  { name: "os/linux/cpu-shares", value: 1 },
  { name: "os/unix/sysctl", value: { "net.ipv4.ip_forward": "1" } },
  { name: "os/unix/sysctl", value: ownRecord([["outPath", "1"]]) },
  { name: "os/unix/sysctl", value: ownRecord([["type", "derivation"], ["__proto__", "x"]]) },
  { name: "vendor.example/x", value: {} },
];

/** The spec fields the test changes, with their generators. */
const FIELDS: readonly (readonly [string, fc.Arbitrary<Value>])[] = [
  ...SPEC_ARGUMENTS.filter((f) => f.name !== "isolators").map((f) => [f.name, valueOf(f.shape)] as const),
  ["isolators", fc.array(fc.constantFrom(...STANDARD_ISOLATORS), { maxLength: 3 })],
  ["customIsolators", fc.array(fc.record({ name: fc.oneof(goodOf({ kind: "string", rules: ["ac-identifier"] }), fc.constantFrom("resource/cpu", "os/unix/sysctl")), value: jsonData }), { maxLength: 2 })],
  // Fields that rules read together.
  ["user", fc.constantFrom("0", "root", "www", "svc$", "bob", "")],
  ["etc", fc.constantFrom({ users: [{ name: "www", uid: 1, gid: 1 }, { name: "svc$", uid: 2, gid: 2 }], groups: [{ name: "www", gid: 1, members: ["svc$"] }] })],
  ["os", fc.constantFrom("linux", "freebsd", "darwin")],
  ["arch", fc.constantFrom("amd64", "arm", "x86_64", "aarch64")],
];

const base = (): Record<string, Value> => ({ name: "example.org/app", packages: [attrPath("busybox")], exec: ["/bin/sh", "-c", "true"] });

export interface SpecCase {
  readonly spec: Record<string, Value>;
  /** The fields set over the base. */
  readonly fields: readonly string[];
}

export const specCase: fc.Arbitrary<SpecCase> = fc
  .uniqueArray(fc.constantFrom(...FIELDS.keys()), { minLength: 1, maxLength: 3 })
  .chain((picked) =>
    fc.tuple(...picked.map((i) => (FIELDS[i] as readonly [string, fc.Arbitrary<Value>])[1])).map((values) => {
      const spec = base();
      const fields: string[] = [];
      picked.forEach((i, n) => {
        const name = (FIELDS[i] as readonly [string, fc.Arbitrary<Value>])[0];
        spec[name] = values[n];
        fields.push(name);
      });
      return { spec, fields };
    }),
  );

/** Values a sweep tries at one place of `shape`: right ones, refused ones, hostile ones. */
function candidates(shape: Shape): readonly Value[] {
  switch (shape.kind) {
    case "string":
      return [...new Set([...goodStrings(shape.rules), ...pool(shape.rules, BAD), ...HOSTILE, ...SPECIAL_KEYS])];
    case "int":
      return [shape.min - 1, shape.min, shape.max, shape.max + 1, 0, -1, 1.5, 2 ** 53, 2 ** 60, 1e20, "1"];
    case "bool":
      return [true, false, "true", 1];
    case "enum":
      return [...shape.values, "zstd", "", null];
    case "list":
      return [[], "x"];
    case "strings":
      return [
        ...[...new Set([...goodStrings(shape.keys), ...pool(shape.keys, BAD), ...HOSTILE, ...SPECIAL_KEYS])].map((key) => ownRecord([[key, "v"]])),
        ownRecord([["a", 1]]),
        ownRecord([["a", "a\u0000b"]]),
      ];
    case "record":
      return [{}, { readonly: true }, "x"];
    case "package":
      return [attrPath("busybox"), "busybox"];
    case "json":
      return [
        1.2345678, 0.5, 1e21, 2 ** 60, 1e20, Number.NaN, -0, 2.5e-300, "\u0000", "\uD800",
        ...SPECIAL_KEYS.map((key) => ownRecord([[key, "x"]])),
        [ownRecord([["outPath", "x"]])], ownRecord([["type", "derivation"]]), [1.5, [0.1234567]],
      ];
  }
}

/** The smallest value of `shape` that holds `value` at `path` (and is otherwise right). */
function place(shape: Shape, path: readonly (string | number)[], value: Value): Value {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (shape.kind === "list") return [place(shape.of, rest, value)];
  if (shape.kind === "record") {
    const entries: [string, NixValue][] = shape.fields
      .filter((f) => f.default === undefined || f.name === head)
      .map((f) => [f.name, (f.name === head ? place(f.shape, rest, value) : fc.sample(goodOf(f.shape), { numRuns: 1, seed: 1 })[0]) as NixValue]);
    return ownRecord(entries);
  }
  return value;
}

/** Every place of the table (a list's first item, every record field) with every candidate value. */
export function sweepCases(): SpecCase[] {
  const out: SpecCase[] = [];
  const visit = (top: string, topShape: Shape, shape: Shape, path: readonly (string | number)[]): void => {
    for (const value of candidates(shape)) {
      const spec = base();
      spec[top] = place(topShape, path, value);
      out.push({ spec, fields: [`${[top, ...path].join(".")} sweep`] });
    }
    if (shape.kind === "list") visit(top, topShape, shape.of, [...path, 0]);
    if (shape.kind === "record") for (const f of shape.fields) visit(top, topShape, f.shape, [...path, f.name]);
  };
  for (const field of SPEC_ARGUMENTS) if (field.name !== "isolators") visit(field.name, field.shape, field.shape, []);
  for (const iso of STANDARD_ISOLATORS) out.push({ spec: { ...base(), isolators: [iso, iso] }, fields: ["isolators sweep"] });
  return out;
}
