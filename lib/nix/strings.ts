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

/** Splits parts at newlines: each line is text without "\n" and expressions. */
function splitLines(parts: readonly StringPart[]): StringPart[][] {
  const lines: StringPart[][] = [[]];
  for (const part of parts) {
    if (typeof part !== "string") {
      (lines[lines.length - 1] as StringPart[]).push(part);
      continue;
    }
    part.split("\n").forEach((piece, i) => {
      if (i > 0) lines.push([]);
      if (piece.length > 0) (lines[lines.length - 1] as StringPart[]).push(piece);
    });
  }
  return lines;
}

/** Leading spaces of a line, and whether anything but spaces follows (text or `${}`). */
function measure(line: readonly StringPart[]): { indent: number; content: boolean } {
  const first = line[0];
  if (first === undefined) return { indent: 0, content: false };
  if (typeof first !== "string") return { indent: 0, content: true };
  const indent = first.length - first.replace(/^ +/, "").length;
  return { indent, content: indent < first.length || line.length > 1 };
}

/**
 * Lines of an `''...''` literal's body, escaped. The printer writes every line at one common
 * indentation, which Nix strips again (it strips the smallest indentation of the lines with
 * content, and drops a last line of only spaces). What makes that exact:
 * - if no line with content starts at its own column 0, every line's leading space is written
 *   `''\ ` (an escape counts as content, so the common indentation is exactly the printer's);
 *   a last line of only spaces gets that escape too;
 * - `''` -> `'''`, `${` -> `''${` (also `$` before an interpolation), CR -> `''\r`;
 * - a single `'` right before the closing `''` or another escape is written `''\'` (else `'''`
 *   or `'''${` would lex differently).
 */
export function indentedLines(parts: readonly StringPart[]): IndentedLine[] {
  const lines = splitLines(parts);
  const measures = lines.map(measure);
  const escapeAllLeading = !measures.some((m) => m.content && m.indent === 0);
  return lines.map((line, lineIndex) => {
    const { indent, content } = measures[lineIndex] as { indent: number; content: boolean };
    const isLast = lineIndex === lines.length - 1;
    const escapeLeading = indent > 0 && (escapeAllLeading || (isLast && !content));
    return line.map((part, partIndex) => {
      if (typeof part !== "string") return part;
      const nextIsExpr = partIndex + 1 < line.length;
      const atStringEnd = isLast && !nextIsExpr;
      return escapeIndentedText(part, nextIsExpr, atStringEnd, escapeLeading && partIndex === 0);
    });
  });
}

/** One newline-free text of an indented string, escaped (see indentedLines). */
function escapeIndentedText(text: string, nextIsExpr: boolean, atStringEnd: boolean, escapeFirstSpace: boolean): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (i === 0 && escapeFirstSpace && c === " ") out += "''\\ ";
    else if (c === "\r") out += "''\\r";
    else if (c === "$") out += nextOpensBrace(text, i, nextIsExpr) ? "''$" : "$";
    else if (c === "'") {
      if (text[i + 1] === "'") {
        out += "'''";
        i++;
        continue;
      }
      // Only a following `'` would glue onto it: the closing `''`, or an escape (`''\r`, `''$`).
      const next = text[i + 1];
      const risky =
        (next === undefined && atStringEnd) || next === "\r" || (next === "$" && nextOpensBrace(text, i + 1, nextIsExpr));
      out += risky ? "''\\'" : "'";
    } else out += c;
  }
  return out;
}
