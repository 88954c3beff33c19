/** Plain JS data (JSON-like) to Nix values, with Nix expressions embeddable anywhere inside. */
import type { AttrsExpr, Binding, Expr, ListExpr } from "./ast.js";
import { brand, isExpr } from "./brand.js";
import { NixPrintError } from "./errors.js";
import { checkText } from "./lexical.js";
import { bool, float, indentedStr, int, nul, str } from "./scalars.js";

/** What fromJS accepts: JSON-like data whose leaves may also be Nix expressions. */
export type NixData =
  | Expr
  | null
  | boolean
  | number
  | bigint
  | string
  | readonly NixData[]
  | { readonly [key: string]: NixData | undefined };

export interface FromJSOptions {
  /**
   * How text becomes a Nix string: "auto" (default) writes text containing a newline as an
   * indented `''...''` string and everything else as `"..."`; "quoted" always uses `"..."`.
   */
  readonly strings?: "auto" | "quoted";
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null) {
    return `an object of class ${(value as { constructor?: { name?: string } }).constructor?.name ?? "unknown"}`;
  }
  return `a ${typeof value}`;
}

function keyPath(at: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`;
}

/**
 * Converts data to a Nix expression: objects -> attribute sets (keys in insertion order,
 * `undefined` properties left out, as JSON.stringify does), arrays -> lists, integers -> ints,
 * other numbers -> floats, bigints -> ints, strings, booleans, null; a builder-made Expr is kept
 * as is. Refuses (NixPrintError naming the place, e.g. `$.apps[0].port`) NaN, infinities,
 * integers outside int64, NUL or lone surrogates in text, undefined in arrays, functions,
 * symbols, class instances and cycles.
 */
export function fromJS(value: NixData, options: FromJSOptions = {}): Expr {
  return convert(value, "$", options, new Set());
}

function convert(value: unknown, at: string, options: FromJSOptions, open: Set<object>): Expr {
  if (value === null) return nul();
  switch (typeof value) {
    case "boolean":
      return bool(value);
    case "bigint":
      return withPlace(at, () => int(value));
    case "number":
      return withPlace(at, () => (Number.isInteger(value) ? int(value) : float(value)));
    case "string":
      return withPlace(at, () =>
        options.strings !== "quoted" && value.includes("\n") ? indentedStr(value) : str(value),
      );
    case "object":
      break;
    default:
      throw new NixPrintError(`${at} is ${describe(value)}; Nix data can only hold null, booleans, numbers, strings, arrays and plain objects`);
  }
  if (isExpr(value)) return value;
  if (open.has(value)) throw new NixPrintError(`${at} refers back to itself (a cycle); Nix values are trees`);
  open.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.map((item: unknown, i) => {
        if (item === undefined) throw new NixPrintError(`${at}[${i}] is undefined; lists cannot have holes`);
        return convert(item, `${at}[${i}]`, options, open);
      });
      return brand<ListExpr>({ kind: "list", items });
    }
    if (!isPlainObject(value)) {
      throw new NixPrintError(`${at} is ${describe(value)}; only plain objects become attribute sets`);
    }
    const bindings: Binding[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const place = keyPath(at, key);
      withPlace(place, () => checkText(key, "attribute name"));
      bindings.push({ kind: "binding", path: [key], value: convert(item, place, options, open) });
    }
    return brand<AttrsExpr>({ kind: "attrs", rec: false, bindings });
  } finally {
    open.delete(value);
  }
}

/** Runs `make`, prefixing any refusal with the data path where it happened. */
function withPlace<T>(at: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof NixPrintError) throw new NixPrintError(`${at}: ${error.message}`);
    throw error;
  }
}
