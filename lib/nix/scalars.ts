/** Builders for Nix's scalar values: null, booleans, numbers, strings, paths, identifiers. */
import type { BoolExpr, FloatExpr, IdExpr, IntExpr, NullExpr, PathExpr, StringExpr, StringPart } from "./ast.js";
import { brand } from "./brand.js";
import { NixPrintError } from "./errors.js";
import { checkFloat, checkIdentifier, checkInt, checkPath, checkText } from "./lexical.js";

/** `null` */
export function nul(): NullExpr {
  return brand({ kind: "null" });
}

/** `true` / `false` */
export function bool(value: boolean): BoolExpr {
  if (typeof value !== "boolean") throw new NixPrintError(`bool() needs a boolean, got ${typeof value}`);
  return brand({ kind: "bool", value });
}

/** A Nix integer; a JS number must be an integer, and either must fit int64. */
export function int(value: number | bigint): IntExpr {
  if (typeof value === "number" && !Number.isInteger(value)) {
    throw new NixPrintError(`int() needs an integer, got ${value}` + (Number.isFinite(value) ? " (use float())" : ""));
  }
  const big = typeof value === "number" ? BigInt(value) : value;
  try {
    checkInt(big, "integer");
  } catch (error) {
    // A huge JS number is usually meant as a float.
    if (typeof value === "number" && error instanceof NixPrintError) throw new NixPrintError(`${error.message}; use float() for a float`);
    throw error;
  }
  return brand({ kind: "int", value: big });
}

/** A Nix float, printed with a `.` even when integral (`float(2)` is `2.0`). */
export function float(value: number): FloatExpr {
  checkFloat(value, "float");
  return brand({ kind: "float", value });
}

/** Template-tag strings, or a list of parts, or one text: the argument forms of str(). */
type StringArgs = [text: string] | [parts: readonly StringPart[]] | [strings: TemplateStringsArray, ...values: StringPart[]];

function partsOf(args: StringArgs): StringPart[] {
  const [first, ...rest] = args;
  if (typeof first === "string") return [first];
  if ("raw" in first) {
    // Tagged template: interleave the cooked text with the interpolated values.
    const parts: StringPart[] = [];
    first.forEach((text, i) => {
      if (text === undefined) throw new NixPrintError("str`...`: template text has an invalid escape");
      parts.push(text);
      if (i < rest.length) parts.push(rest[i] as StringPart);
    });
    return parts;
  }
  return [...first];
}

function stringExpr(parts: StringPart[], indented: boolean): StringExpr {
  for (const part of parts) if (typeof part === "string") checkText(part, "string text");
  return brand({ kind: "string", parts, indented });
}

/**
 * A `"..."` string. `str("text")`, `str(["prefix ", id("x"), "/bin"])`, or as a template tag:
 * str`${sel(id("pkgs"), "busybox")}/bin/sh` (string values in the template are text, Exprs
 * become `${...}`).
 */
export function str(...args: StringArgs): StringExpr {
  return stringExpr(partsOf(args), false);
}

/** An indented `''...''` string; same argument forms as str(). */
export function indentedStr(...args: StringArgs): StringExpr {
  return stringExpr(partsOf(args), true);
}

/** A path literal: `./a.nix`, `/abs/x`, `~/x`, `<nixpkgs>`. */
export function path(value: string): PathExpr {
  checkPath(value, "path");
  return brand({ kind: "path", value });
}

/** A variable reference; `name` must be a Nix identifier and not a keyword. */
export function id(name: string): IdExpr {
  checkIdentifier(name, "identifier");
  return brand({ kind: "id", name });
}
