/**
 * Builders for compound Nix expressions. Values may be plain data (converted by fromJS) or Exprs:
 *   call(sel(id("pkgs"), "busybox", "override"), attrs({ static: true }))
 * prints as `pkgs.busybox.override { static = true; }`.
 */
import type {
  AssertExpr,
  AttrKey,
  AttrsExpr,
  BinaryExpr,
  BinaryOp,
  Binding,
  BindingEntry,
  CallExpr,
  Expr,
  HasAttrExpr,
  IfExpr,
  InheritEntry,
  LambdaExpr,
  LetExpr,
  ListExpr,
  PatternArg,
  SelectExpr,
  SetPattern,
  UnaryExpr,
  WithExpr,
} from "./ast.js";
import { binaryOps } from "./ast.js";
import { brand, isExpr } from "./brand.js";
import { NixPrintError } from "./errors.js";
import { fromJS, type NixData } from "./fromjs.js";
import { checkComment, checkIdentifier, checkText } from "./lexical.js";

/** An Expr, or plain data that fromJS turns into one. */
export type ExprLike = NixData;

function toExpr(value: ExprLike): Expr {
  return isExpr(value) ? value : fromJS(value);
}

function checkPath(path: readonly AttrKey[], role: string): AttrKey[] {
  if (path.length === 0) throw new NixPrintError(`${role} needs at least one attribute name`);
  for (const key of path) if (typeof key === "string") checkText(key, `${role} attribute name`);
  return [...path];
}

/** `a.b.c = value;` — a path of names (or dynamic `${expr}` keys) bound to a value. */
export function bind(path: AttrKey | readonly AttrKey[], value: ExprLike): BindingEntry {
  const keys = typeof path === "string" || !Array.isArray(path) ? [path as AttrKey] : (path as readonly AttrKey[]);
  return { kind: "binding", path: checkPath(keys, "binding"), value: toExpr(value) };
}

/** `inherit a b;` */
export function inherit(...names: string[]): InheritEntry {
  if (names.length === 0) throw new NixPrintError("inherit needs at least one name");
  for (const name of names) checkText(name, "inherited name");
  return { kind: "inherit", names };
}

/** `inherit (from) a b;` */
export function inheritFrom(from: ExprLike, ...names: string[]): InheritEntry {
  return { ...inherit(...names), from: toExpr(from) };
}

type BindingsInput = readonly Binding[] | { readonly [key: string]: ExprLike | undefined };

function toBindings(input: BindingsInput): Binding[] {
  if (Array.isArray(input)) return [...(input as readonly Binding[])];
  const bindings: Binding[] = [];
  for (const [key, value] of Object.entries(input as { readonly [key: string]: ExprLike | undefined })) {
    if (value !== undefined) bindings.push(bind([key], value));
  }
  return bindings;
}

/**
 * An attribute set. `attrs({ name: "x", deps: [id("a")] })` (keys in insertion order, undefined
 * values left out) or `attrs([bind(["a", "b"], 1), inherit("pkgs")])` for paths and inherits.
 */
export function attrs(input: BindingsInput = {}): AttrsExpr {
  return brand({ kind: "attrs", rec: false, bindings: toBindings(input) });
}

/** `rec { ... }`; same input as attrs(). */
export function recAttrs(input: BindingsInput = {}): AttrsExpr {
  return brand({ kind: "attrs", rec: true, bindings: toBindings(input) });
}

/** `[ a b c ]` */
export function list(...items: ExprLike[]): ListExpr {
  return brand({ kind: "list", items: items.map(toExpr) });
}

/** `let bindings in body` */
export function letIn(bindings: BindingsInput, body: ExprLike): LetExpr {
  return brand({ kind: "let", bindings: toBindings(bindings), body: toExpr(body) });
}

/** A formal of a set pattern: a name, `[name, default]`, or `{ name, default?, comment? }`. */
export type PatternArgInput =
  | string
  | readonly [name: string, fallback: ExprLike]
  | { readonly name: string; readonly default?: ExprLike; readonly comment?: string };

export interface PatternOptions {
  /** Accept other attributes too: `...` */
  readonly ellipsis?: boolean;
  /** Bind the whole argument set to this name: `{ ... }@args` */
  readonly bind?: string;
  readonly bindPosition?: "before" | "after";
}

/** `{ pkgs, static ? false, ... }` for lambda(): `pattern(["pkgs", ["static", false]], { ellipsis: true })` */
export function pattern(args: readonly PatternArgInput[], options: PatternOptions = {}): SetPattern {
  const formals: PatternArg[] = args.map((arg) => {
    if (typeof arg === "string") {
      checkIdentifier(arg, "pattern argument");
      return { name: arg };
    }
    if (isFormalObject(arg)) {
      checkIdentifier(arg.name, "pattern argument");
      if (arg.comment !== undefined) checkComment(arg.comment);
      return {
        name: arg.name,
        ...(arg.default !== undefined ? { default: toExpr(arg.default) } : {}),
        ...(arg.comment !== undefined ? { comment: arg.comment } : {}),
      };
    }
    const [name, fallback] = arg;
    checkIdentifier(name, "pattern argument");
    return { name, default: toExpr(fallback) };
  });
  if (options.bind !== undefined) checkIdentifier(options.bind, "pattern @-name");
  return {
    kind: "setPattern",
    args: formals,
    ellipsis: options.ellipsis ?? false,
    ...(options.bind !== undefined ? { bind: options.bind } : {}),
    ...(options.bindPosition !== undefined ? { bindPosition: options.bindPosition } : {}),
  };
}

function isFormalObject(arg: Exclude<PatternArgInput, string>): arg is Extract<PatternArgInput, { readonly name: string }> {
  return !Array.isArray(arg);
}

/** `param: body`; param is an identifier name or a pattern(). */
export function lambda(param: string | SetPattern, body: ExprLike): LambdaExpr {
  if (typeof param === "string") checkIdentifier(param, "function parameter");
  return brand({ kind: "lambda", param, body: toExpr(body) });
}

/** `fn a b` */
export function call(fn: ExprLike, ...args: ExprLike[]): CallExpr {
  if (args.length === 0) throw new NixPrintError("call() needs at least one argument");
  return brand({ kind: "call", fn: toExpr(fn), args: args.map(toExpr) });
}

/** `target.a.b` — `sel(id("pkgs"), "pkgsStatic", "busybox")` */
export function sel(target: ExprLike, ...path: AttrKey[]): SelectExpr {
  return brand({ kind: "select", target: toExpr(target), path: checkPath(path, "selection") });
}

/** `target.a.b or fallback` */
export function selOr(target: ExprLike, path: readonly AttrKey[], fallback: ExprLike): SelectExpr {
  return brand({ kind: "select", target: toExpr(target), path: checkPath(path, "selection"), or: toExpr(fallback) });
}

/** `target ? a.b` */
export function hasAttr(target: ExprLike, ...path: AttrKey[]): HasAttrExpr {
  return brand({ kind: "hasAttr", target: toExpr(target), path: checkPath(path, "has-attribute test") });
}

/** `if cond then a else b` */
export function ifThenElse(cond: ExprLike, then: ExprLike, otherwise: ExprLike): IfExpr {
  return brand({ kind: "if", cond: toExpr(cond), then: toExpr(then), else: toExpr(otherwise) });
}

/** `with scope; body` */
export function withIn(scope: ExprLike, body: ExprLike): WithExpr {
  return brand({ kind: "with", scope: toExpr(scope), body: toExpr(body) });
}

/** `assert cond; body` */
export function assertIn(cond: ExprLike, body: ExprLike): AssertExpr {
  return brand({ kind: "assert", cond: toExpr(cond), body: toExpr(body) });
}

/** `!operand` */
export function not(operand: ExprLike): UnaryExpr {
  return brand({ kind: "unary", op: "!", operand: toExpr(operand) });
}

/** `-operand` */
export function neg(operand: ExprLike): UnaryExpr {
  return brand({ kind: "unary", op: "-", operand: toExpr(operand) });
}

/** `left op right`, e.g. `op(id("a"), "//", attrs({ b = 1 }))`. */
export function op(left: ExprLike, operator: BinaryOp, right: ExprLike): BinaryExpr {
  if (!binaryOps.includes(operator)) throw new NixPrintError(`unknown binary operator ${JSON.stringify(operator)}`);
  return brand({ kind: "binary", op: operator, left: toExpr(left), right: toExpr(right) });
}

/** `a ++ b ++ c` (right-nested, as Nix parses it) */
export function concatLists(first: ExprLike, ...rest: ExprLike[]): Expr {
  return chainRight("++", first, rest);
}

/** `a // b // c` (right-nested, as Nix parses it) */
export function update(first: ExprLike, ...rest: ExprLike[]): Expr {
  return chainRight("//", first, rest);
}

function chainRight(operator: BinaryOp, first: ExprLike, rest: ExprLike[]): Expr {
  const all = [first, ...rest].map(toExpr);
  let result = all[all.length - 1] as Expr;
  for (let i = all.length - 2; i >= 0; i--) result = op(all[i] as Expr, operator, result);
  return result;
}
