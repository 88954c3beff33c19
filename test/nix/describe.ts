/**
 * A type-exact, precision-exact description of a value, computed the same way in Nix and in JS,
 * so Nix's lossy JSON (floats with 6 digits, ints beyond 2^53) cannot hide a difference.
 * Floats become [sign, mantissa, exponent] with value = sign * mantissa * 2^exponent and
 * 2^52 <= mantissa < 2^53 (found by exact scaling by 2), ints become decimal strings.
 */
import { isExpr, type NixData } from "../../lib/nix/index.js";

export const nixDescribe = `
let
  decompose = x: e:
    if x >= 9007199254740992.0 then decompose (x / 2.0) (e + 1)
    else if x < 4503599627370496.0 then decompose (x * 2.0) (e - 1)
    else [ (builtins.floor x) e ];
  describe = v:
    let t = builtins.typeOf v; in
    if t == "set" then { set = map (n: [ n (describe v.\${n}) ]) (builtins.attrNames v); }
    else if t == "list" then { list = map describe v; }
    else if t == "float" then {
      float = if v == 0.0 then [ 0 0 0 ] else if v < 0.0 then [ (-1) ] ++ decompose (-v) 0 else [ 1 ] ++ decompose v 0;
    }
    else if t == "int" then { int = toString v; }
    else if t == "null" then { null = null; }
    else { \${t} = v; };
in describe`;

export type Description =
  | { set: [string, Description][] }
  | { list: Description[] }
  | { float: number[] }
  | { int: string }
  | { string: string }
  | { bool: boolean }
  | { null: null };

function decompose(x: number): number[] {
  let e = 0;
  while (x >= 2 ** 53) {
    x /= 2;
    e++;
  }
  while (x < 2 ** 52) {
    x *= 2;
    e--;
  }
  return [Math.floor(x), e];
}

/** What nixDescribe yields for the Nix value fromJS(value) should denote. */
export function describeJS(value: NixData): Description {
  if (value === null) return { null: null };
  if (typeof value === "boolean") return { bool: value };
  if (typeof value === "string") return { string: value };
  if (typeof value === "bigint") return { int: value.toString() };
  if (typeof value === "number") {
    if (Number.isInteger(value)) return { int: BigInt(value).toString() };
    return { float: value < 0 ? [-1, ...decompose(-value)] : [1, ...decompose(value)] };
  }
  if (Array.isArray(value)) return { list: value.map((v: NixData) => describeJS(v)) };
  if (isExpr(value)) throw new Error("describeJS: embedded expressions have no JS value");
  const entries = Object.entries(value as Record<string, NixData | undefined>)
    .filter((entry): entry is [string, NixData] => entry[1] !== undefined)
    .map(([k, v]): [string, Description] => [k, describeJS(v)]);
  return { set: sortEntries(entries) };
}

/** Sorts set entries (recursively) so JS and Nix descriptions compare regardless of key order. */
export function normalise(d: Description): Description {
  if ("set" in d) return { set: sortEntries(d.set.map(([k, v]): [string, Description] => [k, normalise(v)])) };
  if ("list" in d) return { list: d.list.map(normalise) };
  return d;
}

function sortEntries(entries: [string, Description][]): [string, Description][] {
  return entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
