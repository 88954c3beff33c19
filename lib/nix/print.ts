/**
 * Prints an Expr as Nix source: exact (re-parses to the same tree; strings evaluate to the same
 * text), minimal parentheses, and a stable nixfmt-like layout (2-space indent, groups on one line
 * when they fit the width and hold nothing multi-line).
 */
import type { AttrKey, Binding, Expr, SetPattern, StringExpr } from "./ast.js";
import { concat, concatAll, type Doc, group, hardline, ifBreak, join, line, linesBefore, nest, render, softline } from "./doc.js";
import { NixPrintError, quoteForMessage } from "./errors.js";
import {
  checkComment,
  checkFloat,
  checkIdentifier,
  checkInt,
  checkPath,
  checkText,
  floatDigits,
  int64Min,
  isIdentifier,
} from "./lexical.js";
import { argumentPrec, binaryInfo, Prec } from "./precedence.js";
import { escapeQuoted, indentedLines, normaliseParts } from "./strings.js";

export interface PrintOptions {
  /** Line width the layout aims for; default 100. */
  readonly width?: number;
}

/** Nix source for `expr` (no trailing newline). Throws NixPrintError for unwritable values. */
export function print(expr: Expr, options: PrintOptions = {}): string {
  return render(toDoc(expr), options.width ?? 100);
}

/** Nix source for a whole file: print() plus a trailing newline. */
export function printFile(expr: Expr, options: PrintOptions = {}): string {
  return `${print(expr, options)}\n`;
}

interface Printed {
  readonly doc: Doc;
  readonly prec: number;
}

function toDoc(expr: Expr): Doc {
  return printExpr(expr).doc;
}

function parens(doc: Doc, expr: Expr): Doc {
  // Brackets hug what cannot break (`(-1)`) or breaks on its own (`(x: {`); the rest may
  // move inside onto its own lines.
  const hugs = isAbsorbable(expr) || isUnbreakable(expr);
  return hugs ? concat("(", doc, ")") : group("(", nest(concat(softline, doc)), softline, ")");
}

/** Leaves, negated leaves, `a.b.c`, simple strings: nothing inside them can break across lines. */
function isUnbreakable(expr: Expr): boolean {
  switch (expr.kind) {
    case "null":
    case "bool":
    case "int":
    case "float":
    case "path":
    case "id":
      return true;
    case "string":
      return expr.parts.every((p) => (typeof p === "string" ? !(expr.indented && p.includes("\n")) : isUnbreakable(p)));
    case "unary":
      return isUnbreakable(expr.operand);
    case "select":
      return expr.or === undefined && isUnbreakable(expr.target) && expr.path.every((k) => typeof k === "string");
    default:
      return false;
  }
}

/** The doc of `expr`, parenthesised unless its level is at least `min`. */
function operand(expr: Expr, min: number): Doc {
  const { doc, prec } = printExpr(expr);
  return prec >= min ? doc : parens(doc, expr);
}

/**
 * Values that open a bracket on the current line and close it on their own line, so a binding
 * or last argument can start on the same line: `x = {`, `f [`, `x = ''`.
 */
function isAbsorbable(expr: Expr): boolean {
  switch (expr.kind) {
    case "attrs":
      return expr.bindings.length > 0;
    case "list":
      return expr.items.length > 0;
    case "string":
      return expr.indented && expr.parts.some((p) => typeof p === "string" && p.includes("\n"));
    case "call":
      return isAbsorbable(expr.args[expr.args.length - 1] as Expr);
    case "lambda":
      return typeof expr.param === "string" && isAbsorbable(expr.body);
    case "with":
      return isAbsorbable(expr.body);
    default:
      return false;
  }
}

function printExpr(expr: Expr): Printed {
  switch (expr.kind) {
    case "null":
      return { doc: "null", prec: Prec.atom };
    case "bool":
      return { doc: expr.value ? "true" : "false", prec: Prec.atom };
    case "int":
      return printInt(expr.value);
    case "float": {
      checkFloat(expr.value, "float");
      const digits = floatDigits(Math.abs(expr.value));
      return expr.value < 0 ? { doc: `-${digits}`, prec: Prec.negate } : { doc: digits, prec: Prec.atom };
    }
    case "string":
      return { doc: printString(expr), prec: Prec.atom };
    case "path":
      checkPath(expr.value, "path");
      return { doc: expr.value, prec: Prec.atom };
    case "id":
      checkIdentifier(expr.name, "identifier");
      return { doc: expr.name, prec: Prec.atom };
    case "attrs":
      return { doc: printAttrs(expr.bindings, expr.rec), prec: Prec.atom };
    case "list":
      return { doc: printList(expr.items), prec: Prec.atom };
    case "let":
      return { doc: printLet(expr.bindings, expr.body), prec: Prec.lowest };
    case "lambda":
      return { doc: printLambda(expr.param, expr.body), prec: Prec.lowest };
    case "call":
      return { doc: printCall(expr.fn, expr.args), prec: Prec.app };
    case "select":
      return printSelect(expr.target, expr.path, expr.or);
    case "hasAttr":
      return {
        doc: concat(operand(expr.target, Prec.hasAttr + 1), " ? ", attrPath(expr.path)),
        prec: Prec.hasAttr,
      };
    case "if":
      return { doc: printIf(expr.cond, expr.then, expr.else), prec: Prec.lowest };
    case "with":
      return { doc: printScoped("with", expr.scope, expr.body), prec: Prec.lowest };
    case "assert":
      return { doc: printScoped("assert", expr.cond, expr.body), prec: Prec.lowest };
    case "unary":
      if (expr.op === "!") return { doc: concat("!", operand(expr.operand, Prec.not)), prec: Prec.not };
      if (expr.op === "-") {
        // `-(-x)`, not `--x` (same parse, but readable); `-(./p)`, as `-./p` lexes as one path.
        const min = startsWithPath(expr.operand) ? Prec.atom + 1 : Prec.negate + 1;
        return { doc: concat("-", operand(expr.operand, min)), prec: Prec.negate };
      }
      throw new NixPrintError(`unknown unary operator ${quoteForMessage(String(expr.op))}`);
    case "binary":
      return printBinary(expr);
    default: {
      const unknown: unknown = (expr as { kind?: unknown }).kind;
      throw new NixPrintError(`unknown expression kind ${quoteForMessage(String(unknown))}`);
    }
  }
}

/** True when the printed expression begins with a path literal (`-` would glue onto it). */
function startsWithPath(expr: Expr): boolean {
  if (expr.kind === "path") return true;
  if (expr.kind === "call") return startsWithPath(expr.fn);
  return false;
}

function printInt(value: bigint): Printed {
  checkInt(value, "integer");
  // Nix has no negative literals: `-5` is negation, and 9223372036854775808 does not lex.
  if (value === int64Min) return { doc: `-${-(value + 1n)} - 1`, prec: Prec.add };
  return value < 0n ? { doc: `-${-value}`, prec: Prec.negate } : { doc: value.toString(), prec: Prec.atom };
}

/** An attribute name as written in a binding or path: bare when it lexes as one, else quoted. */
function attrKey(key: AttrKey): Doc {
  if (typeof key === "string") {
    checkText(key, "attribute name");
    return isIdentifier(key) ? key : `"${escapeQuoted(key, false)}"`;
  }
  if (key.kind === "string" && !key.indented) return printString(key);
  return concat("${", toDoc(key), "}");
}

function attrPath(path: readonly AttrKey[]): Doc {
  if (path.length === 0) throw new NixPrintError("an attribute path needs at least one name");
  return join(".", path.map(attrKey));
}

function printString(expr: StringExpr): Doc {
  const parts = normaliseParts(expr.parts);
  if (!expr.indented) {
    const docs: Doc[] = parts.map((part, i) =>
      typeof part === "string" ? escapeQuoted(part, i + 1 < parts.length) : concat("${", toDoc(part), "}"),
    );
    return concat('"', concatAll(docs), '"');
  }
  const lines = indentedLines(parts).map((items) =>
    concatAll(items.map((item) => (typeof item === "string" ? item : concat("${", toDoc(item), "}")))),
  );
  if (lines.length === 1) return concat("''", lines[0] as Doc, "''");
  // Content lines go one level deeper than the opening line; Nix strips that common indentation.
  // The `''` + newline that opens the string is dropped by Nix's lexer.
  const lastIsEmpty = isEmptyLine(lines[lines.length - 1] as Doc);
  const body = lastIsEmpty ? lines.slice(0, -1) : lines;
  const content = nest(concatAll(body.flatMap((l) => [hardline, l])));
  return lastIsEmpty ? concat("''", content, hardline, "''") : concat("''", content, "''");
}

function isEmptyLine(doc: Doc): boolean {
  return typeof doc !== "string" && doc.t === "concat" && doc.parts.length === 0;
}

function checkDuplicates(bindings: readonly Binding[]): void {
  const seen = new Set<string>();
  const add = (path: readonly string[]): void => {
    const key = path.join("\0"); // names cannot hold NUL (refused when printed)
    if (seen.has(key)) throw new NixPrintError(`attribute ${quoteForMessage(path.join("."))} is defined twice`);
    seen.add(key);
  };
  for (const binding of bindings) {
    if (binding.kind === "inherit") binding.names.forEach((name) => add([name]));
    else if (binding.path.every((k) => typeof k === "string")) add(binding.path as readonly string[]);
  }
}

function printBinding(binding: Binding): Doc {
  if (binding.kind === "inherit") {
    if (binding.names.length === 0) throw new NixPrintError("inherit needs at least one name");
    const from = binding.from === undefined ? [] : [" (", toDoc(binding.from), ")"];
    return group("inherit", concatAll(from), nest(linesBefore(binding.names.map(attrKey))), ";");
  }
  const value = toDoc(binding.value);
  // Moving what cannot break to the next line would not make it shorter.
  const sameLine = isAbsorbable(binding.value) || isUnbreakable(binding.value);
  const rhs = sameLine ? concat(" ", value) : group(nest(concat(line, value)));
  return concat(attrPath(binding.path), " =", rhs, ";");
}

function printAttrs(bindings: readonly Binding[], rec: boolean): Doc {
  checkDuplicates(bindings);
  const open = rec ? "rec {" : "{";
  if (bindings.length === 0) return `${open} }`;
  return group(open, nest(linesBefore(bindings.map(printBinding))), line, "}");
}

function printList(items: readonly Expr[]): Doc {
  if (items.length === 0) return "[ ]";
  return group("[", nest(linesBefore(items.map((item) => operand(item, argumentPrec)))), line, "]");
}

function printLet(bindings: readonly Binding[], body: Expr): Doc {
  checkDuplicates(bindings);
  for (const binding of bindings) {
    // A constant "name" is static; anything interpolated is dynamic.
    const isStatic = (key: AttrKey): boolean =>
      typeof key === "string" || (key.kind === "string" && key.parts.every((p) => typeof p === "string"));
    if (binding.kind === "binding" && !binding.path.every(isStatic)) {
      throw new NixPrintError("a let binding cannot have a dynamic ${...} name (Nix refuses it)");
    }
  }
  const defs = bindings.length === 0 ? "" : nest(linesBefore(bindings.map(printBinding)));
  return group("let", defs, line, "in", line, toDoc(body));
}

function printPattern(pattern: SetPattern): Doc {
  const names = new Set<string>();
  const formals: Doc[] = pattern.args.map((arg) => {
    checkIdentifier(arg.name, "pattern argument");
    if (names.has(arg.name)) throw new NixPrintError(`pattern argument ${quoteForMessage(arg.name)} appears twice`);
    names.add(arg.name);
    const formal = arg.default === undefined ? arg.name : concat(arg.name, " ? ", toDoc(arg.default));
    if (arg.comment === undefined) return formal;
    checkComment(arg.comment);
    // The hard line break makes the whole pattern one formal per line.
    return concat(arg.comment === "" ? "#" : `# ${arg.comment}`, hardline, formal);
  });
  if (pattern.ellipsis) formals.push("...");
  let doc: Doc;
  if (formals.length === 0) doc = "{ }";
  else {
    // Commas between formals; a trailing comma only when broken, and never after `...`.
    const items = formals.flatMap((f, i) => [line, f, i < formals.length - 1 ? "," : pattern.ellipsis ? "" : ifBreak(",")]);
    doc = group("{", nest(concatAll(items)), line, "}");
  }
  if (pattern.bind === undefined) return doc;
  checkIdentifier(pattern.bind, "pattern @-name");
  if (names.has(pattern.bind)) {
    throw new NixPrintError(`pattern @-name ${quoteForMessage(pattern.bind)} is also a pattern argument`);
  }
  return pattern.bindPosition === "before" ? concat(pattern.bind, "@", doc) : concat(doc, "@", pattern.bind);
}

function printLambda(param: string | SetPattern, body: Expr): Doc {
  const bodyDoc = toDoc(body);
  if (typeof param === "string") {
    checkIdentifier(param, "function parameter");
    return isAbsorbable(body) ? concat(param, ": ", bodyDoc) : group(param, ":", line, bodyDoc);
  }
  return group(printPattern(param), ":", line, bodyDoc);
}

function printCall(fn: Expr, args: readonly Expr[]): Doc {
  if (args.length === 0) throw new NixPrintError("a function call needs at least one argument");
  // `(f a) b` is `f a b`: gather the arguments of nested calls.
  const groups: (readonly Expr[])[] = [args];
  let head = fn;
  while (head.kind === "call") {
    groups.push(head.args);
    head = head.fn;
  }
  const all = groups.reverse().flat();
  const headDoc = operand(head, Prec.app);
  const argDocs = all.map((arg) => operand(arg, argumentPrec));
  const last = all[all.length - 1] as Expr;
  // A parenthesised operator chain opens its bracket on this line too: `f (\n  a\n  // b\n)`.
  const parenthesisedChain = last.kind === "binary" && printExpr(last).prec < argumentPrec;
  if (isAbsorbable(last) || parenthesisedChain) {
    const leading = linesBefore(argDocs.slice(0, -1));
    return concat(group(headDoc, nest(leading)), " ", argDocs[argDocs.length - 1] as Doc);
  }
  return group(headDoc, nest(linesBefore(argDocs)));
}

function printSelect(target: Expr, path: readonly AttrKey[], fallback: Expr | undefined): Printed {
  // `(a.b).c` is `a.b.c`, but not with a fallback: `(a.b).c or d` fails when `a.b` is missing,
  // `a.b.c or d` does not. A number or path literal before `.` would swallow it: parenthesise.
  const pieces: (readonly AttrKey[])[] = [path];
  let base = target;
  while (fallback === undefined && base.kind === "select" && base.or === undefined) {
    pieces.push(base.path);
    base = base.target;
  }
  const keys = pieces.reverse().flat();
  const literal = base.kind === "int" || base.kind === "float" || base.kind === "path";
  // With a fallback, a selection target that is itself a selection keeps its parentheses.
  const needsParens = literal || (fallback !== undefined && base.kind === "select");
  const baseDoc = needsParens ? parens(toDoc(base), base) : operand(base, Prec.atom);
  const selected = concat(baseDoc, ".", attrPath(keys));
  if (fallback === undefined) return { doc: selected, prec: Prec.atom };
  return { doc: concat(selected, " or ", operand(fallback, argumentPrec)), prec: Prec.selectOr };
}

function printIf(cond: Expr, then: Expr, otherwise: Expr): Doc {
  const elseDoc = otherwise.kind === "if" ? concat(" ", toDoc(otherwise)) : nest(concat(line, toDoc(otherwise)));
  return group("if ", toDoc(cond), " then", nest(concat(line, toDoc(then))), line, "else", elseDoc);
}

function printScoped(keyword: "with" | "assert", head: Expr, body: Expr): Doc {
  const bodyDoc = toDoc(body);
  if (keyword === "with" && isAbsorbable(body)) return concat("with ", toDoc(head), "; ", bodyDoc);
  return group(keyword, " ", toDoc(head), ";", line, bodyDoc);
}

function printBinary(expr: Expr & { kind: "binary" }): Printed {
  const info = binaryInfo[expr.op];
  if (info === undefined) throw new NixPrintError(`unknown binary operator ${quoteForMessage(String(expr.op))}`);
  const { prec, assoc } = info;
  // Flatten chains of one level (`a + b - c`, `a ++ b ++ c`) so a broken chain is one column.
  const operands: Expr[] = [];
  const ops: string[] = [];
  if (assoc === "left" || assoc === "right") {
    // Walk down the associating side, collecting the other side's operands.
    const left = assoc === "left";
    let node: Expr = expr;
    while (node.kind === "binary" && binaryInfo[node.op]?.prec === prec) {
      operands.push(left ? node.right : node.left);
      ops.push(node.op);
      node = left ? node.left : node.right;
    }
    operands.push(node);
    if (left) {
      operands.reverse();
      ops.reverse();
    }
  } else {
    operands.push(expr.left, expr.right);
    ops.push(expr.op);
  }
  // In a chain the flattened side is already handled; the other side needs a tighter level.
  const docs = operands.map((e, i) => {
    const isFirst = i === 0;
    const isLast = i === operands.length - 1;
    const min =
      (assoc === "left" && isFirst) || (assoc === "right" && isLast) ? prec : prec + 1;
    return operand(e, min);
  });
  const rest = ops.flatMap((o, i) => [line, o, " ", docs[i + 1] as Doc]);
  return { doc: group(docs[0] as Doc, concatAll(rest)), prec };
}
