/**
 * Escaping of string literal text for Nix 2.8's lexer, so that any text (except NUL and lone
 * surrogates, refused by checkText) evaluates back to itself.
 */
import type { Expr, StringPart } from "./ast.js";
import { checkText } from "./lexical.js";

/** Text merged and checked; empty text parts dropped. */
export function normaliseParts(parts: readonly StringPart[]): StringPart[] {
  const out: StringPart[] = [];
  for (const part of parts) {
    if (typeof part === "string") {
      checkText(part, "string text");
      if (part.length === 0) continue;
      const last = out[out.length - 1];
      if (typeof last === "string") out[out.length - 1] = last + part;
      else out.push(part);
    } else {
      out.push(part);
    }
  }
  return out;
}

/** True when the thing printed after position `i` of `text` starts with `{` or an interpolation. */
function nextOpensBrace(text: string, i: number, nextIsExpr: boolean): boolean {
  return i + 1 < text.length ? text[i + 1] === "{" : nextIsExpr;
}

/**
 * Body of a `"..."` literal for `text` (without quotes). `next` says whether an interpolation
 * follows the text: a `$` right before `${` must then be escaped, or `$${` would lex as text.
 */
export function escapeQuoted(text: string, nextIsExpr: boolean): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    switch (c) {
      case '"':
        out += '\\"';
        break;
      case "\\":
        out += "\\\\";
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\t":
        out += "\\t";
        break;
      case "$":
        out += nextOpensBrace(text, i, nextIsExpr) ? "\\$" : "$";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/** One line of an indented string: escaped code text and interpolated expressions. */
export type IndentedLine = (string | Expr)[];

/**
 * Lines of an `''...''` literal's body, escaped. The printer writes every line at one common
 * indentation, which Nix strips again. What makes that exact:
 * - a line's own leading space is written `''\ ` (an escape, so it counts as content: the common
 *   indentation stays exactly the printer's and whitespace-only lines are not stripped);
 * - `''` -> `'''`, `${` -> `''${` (also `$` before an interpolation), CR -> `''\r`;
 * - a single `'` right before the closing `''` or another escape is written `''\'` (else `'''`
 *   or `'''${` would lex differently).
 */
export function indentedLines(parts: readonly StringPart[]): IndentedLine[] {
  const lines: IndentedLine[] = [[]];
  let current = lines[0] as IndentedLine;
  let literal = "";
  let atLineStart = true;
  const flush = (): void => {
    if (literal.length > 0) current.push(literal);
    literal = "";
  };
  parts.forEach((part, partIndex) => {
    if (typeof part !== "string") {
      flush();
      current.push(part);
      atLineStart = false;
      return;
    }
    const nextIsExpr = partIndex + 1 < parts.length;
    for (let i = 0; i < part.length; i++) {
      const c = part[i] as string;
      if (c === "\n") {
        flush();
        current = [];
        lines.push(current);
        atLineStart = true;
        continue;
      }
      const lineStart = atLineStart;
      atLineStart = false;
      if (c === " " && lineStart) literal += "''\\ ";
      else if (c === "\r") literal += "''\\r";
      else if (c === "$") literal += nextOpensBrace(part, i, nextIsExpr) ? "''$" : "$";
      else if (c === "'") {
        if (part[i + 1] === "'") {
          literal += "'''";
          i++;
        } else {
          // Only a following `'` would glue onto it: the closing `''`, or an escape (`''\r`, `''$`).
          const atEnd = i + 1 >= part.length && !nextIsExpr;
          const next = part[i + 1];
          const risky = atEnd || next === "\r" || (next === "$" && nextOpensBrace(part, i + 1, nextIsExpr));
          literal += risky ? "''\\'" : "'";
        }
      } else literal += c;
    }
  });
  flush();
  return lines;
}
