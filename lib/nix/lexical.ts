/** Nix 2.8's lexical rules that the printer must respect: identifiers, keywords, numbers, paths. */
import { NixPrintError, quoteForMessage } from "./errors.js";

/** Words the Nix lexer reserves; they cannot be variables or unquoted attribute names. */
export const nixKeywords: ReadonlySet<string> = new Set([
  "if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or",
]);

const identifierPattern = /^[a-zA-Z_][a-zA-Z0-9_'-]*$/;

/** True when `name` lexes as one Nix identifier token and is not a keyword. */
export function isIdentifier(name: string): boolean {
  return identifierPattern.test(name) && !nixKeywords.has(name);
}

/** Throws unless `name` can be written as a bare identifier (variable, formal, `@` name). */
export function checkIdentifier(name: string, role: string): void {
  if (typeof name !== "string" || !isIdentifier(name)) {
    const why =
      typeof name === "string" && nixKeywords.has(name)
        ? "is a Nix keyword"
        : "is not a Nix identifier (must match [a-zA-Z_][a-zA-Z0-9_'-]*)";
    throw new NixPrintError(`${role} ${quoteForMessage(String(name))} ${why}`);
  }
}

// A NUL (Nix strings are C strings) or a UTF-16 surrogate without its partner (not Unicode text).
const unwritable = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws if `text` holds characters a Nix string cannot carry. */
export function checkText(text: string, role: string): void {
  if (typeof text !== "string") {
    throw new NixPrintError(`${role} must be a string, got ${typeof text}`);
  }
  const match = unwritable.exec(text);
  if (match) {
    const ch = match[0];
    const what =
      ch === "\0"
        ? "a NUL character (Nix strings cannot contain NUL)"
        : `a lone UTF-16 surrogate U+${ch.charCodeAt(0).toString(16).toUpperCase()} (not valid Unicode)`;
    throw new NixPrintError(`${role} ${quoteForMessage(text)} contains ${what} at index ${match.index}`);
  }
}

/** Throws unless `text` can be a one-line `#` comment (Nix ends a comment at CR or LF). */
export function checkComment(text: string): void {
  checkText(text, "comment");
  if (/[\r\n]/.test(text)) throw new NixPrintError(`comment ${quoteForMessage(text)} must be one line (no CR or LF)`);
}

export const int64Min = -(2n ** 63n);
export const int64Max = 2n ** 63n - 1n;

/** Throws unless `value` fits Nix's int64. */
export function checkInt(value: bigint, role: string): void {
  if (typeof value !== "bigint") {
    throw new NixPrintError(`${role} must be a bigint, got ${typeof value}`);
  }
  if (value < int64Min || value > int64Max) {
    throw new NixPrintError(`${role} ${value} is outside Nix's integer range (int64: ${int64Min} .. ${int64Max})`);
  }
}

/** Smallest positive normal double; Nix 2.8 refuses float literals that parse below it. */
const minNormal = 2.2250738585072014e-308;

/** Throws unless `value` has an exact Nix float literal. */
export function checkFloat(value: number, role: string): void {
  if (typeof value !== "number") {
    throw new NixPrintError(`${role} must be a number, got ${typeof value}`);
  }
  if (Number.isNaN(value)) throw new NixPrintError(`${role} is NaN; Nix has no NaN literal`);
  if (!Number.isFinite(value)) {
    throw new NixPrintError(`${role} is ${value}; Nix has no infinite float literal`);
  }
  if (Object.is(value, -0)) {
    throw new NixPrintError(`${role} is negative zero; Nix has no literal for it (-0.0 evaluates to 0.0)`);
  }
  if (value !== 0 && Math.abs(value) < minNormal) {
    throw new NixPrintError(
      `${role} ${value} is subnormal; Nix 2.8 refuses float literals below ${minNormal} ("invalid float")`,
    );
  }
}

/**
 * Digits of a non-negative float as a Nix FLOAT token: JS's shortest round-trip form, rewritten
 * so it always has a `.` (Nix's float grammar needs one; `1e5` would lex as `1` applied to `e5`).
 */
export function floatDigits(magnitude: number): string {
  const js = String(magnitude); // "0.1", "123", "1e+21", "1.5e-7"
  const [mantissa = js, exponent] = js.split("e");
  const withDot = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  if (exponent === undefined) return withDot;
  return `${withDot}e${exponent.startsWith("+") ? exponent.slice(1) : exponent}`;
}

const pathChar = "[a-zA-Z0-9._+-]";
const pathPatterns = [
  new RegExp(`^${pathChar}*(/${pathChar}+)+$`), // ./a, ../a, a/b, /abs
  new RegExp(`^~(/${pathChar}+)+$`), // ~/home-relative
  new RegExp(`^<${pathChar}+(/${pathChar}+)*>$`), // <nixpkgs/lib>
];

/** Throws unless `value` lexes as one Nix path token (no trailing slash, no interpolation). */
export function checkPath(value: string, role: string): void {
  if (typeof value !== "string" || !pathPatterns.some((p) => p.test(value))) {
    throw new NixPrintError(
      `${role} ${quoteForMessage(String(value))} is not a Nix path literal ` +
        `(like ./a/b.nix, /abs, ~/x or <nixpkgs>; characters a-z A-Z 0-9 . _ + - and /, no trailing /)`,
    );
  }
}
