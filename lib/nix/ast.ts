/**
 * The Nix expression tree. Build it with the functions in builders.ts (they validate early and
 * brand the nodes so `fromJS` can tell a node from plain data); print it with print.ts.
 */

/** An attribute name: a plain name (quoted when printed only if it must be) or a dynamic `${expr}`. */
export type AttrKey = string | Expr;

/** One part of a string literal: literal text, or an interpolated expression `${...}`. */
export type StringPart = string | Expr;

export interface NullExpr {
  readonly kind: "null";
}
export interface BoolExpr {
  readonly kind: "bool";
  readonly value: boolean;
}
/** A Nix integer (int64). Negative values print as `-5` (unary minus in Nix's grammar). */
export interface IntExpr {
  readonly kind: "int";
  readonly value: bigint;
}
/** A Nix float (double). NaN, infinities, negative zero and subnormals have no Nix literal. */
export interface FloatExpr {
  readonly kind: "float";
  readonly value: number;
}
/** `"..."` (quoted) or `''...''` (indented) string with optional `${...}` interpolations. */
export interface StringExpr {
  readonly kind: "string";
  readonly parts: readonly StringPart[];
  readonly indented: boolean;
}
/** A path literal such as `./foo.nix`, `/etc/hosts`, `~/x` or `<nixpkgs>`. */
export interface PathExpr {
  readonly kind: "path";
  readonly value: string;
}
export interface IdExpr {
  readonly kind: "id";
  readonly name: string;
}

/** `a.b.c = value;` */
export interface BindingEntry {
  readonly kind: "binding";
  readonly path: readonly AttrKey[];
  readonly value: Expr;
}
/** `inherit a b;` or `inherit (from) a b;` */
export interface InheritEntry {
  readonly kind: "inherit";
  readonly from?: Expr;
  readonly names: readonly string[];
}
export type Binding = BindingEntry | InheritEntry;

/** `{ ... }` or `rec { ... }` */
export interface AttrsExpr {
  readonly kind: "attrs";
  readonly rec: boolean;
  readonly bindings: readonly Binding[];
}
export interface ListExpr {
  readonly kind: "list";
  readonly items: readonly Expr[];
}
/** `let bindings in body` */
export interface LetExpr {
  readonly kind: "let";
  readonly bindings: readonly Binding[];
  readonly body: Expr;
}

/** One formal of a set pattern: `name` or `name ? default`, optionally with a `# comment` above it. */
export interface PatternArg {
  readonly name: string;
  readonly default?: Expr;
  /** One line of text (no line break), printed as `# comment` on the line above the formal. */
  readonly comment?: string;
}
/** `{ a, b ? 1, ... }`, optionally bound as a whole: `args@{ ... }` or `{ ... }@args`. */
export interface SetPattern {
  readonly kind: "setPattern";
  readonly args: readonly PatternArg[];
  readonly ellipsis: boolean;
  readonly bind?: string;
  /** Where `@name` is written; "after" (`{ ... }@args`, nixpkgs' habit) when not given. */
  readonly bindPosition?: "before" | "after";
}
/** `param: body`; param is an identifier or a set pattern. */
export interface LambdaExpr {
  readonly kind: "lambda";
  readonly param: string | SetPattern;
  readonly body: Expr;
}
/** Function application `fn a b c` (left-associative: `((fn a) b) c`). */
export interface CallExpr {
  readonly kind: "call";
  readonly fn: Expr;
  readonly args: readonly Expr[];
}
/** `target.a.b` or `target.a.b or fallback` */
export interface SelectExpr {
  readonly kind: "select";
  readonly target: Expr;
  readonly path: readonly AttrKey[];
  readonly or?: Expr;
}
/** `target ? a.b` */
export interface HasAttrExpr {
  readonly kind: "hasAttr";
  readonly target: Expr;
  readonly path: readonly AttrKey[];
}
export interface IfExpr {
  readonly kind: "if";
  readonly cond: Expr;
  readonly then: Expr;
  readonly else: Expr;
}
/** `with scope; body` */
export interface WithExpr {
  readonly kind: "with";
  readonly scope: Expr;
  readonly body: Expr;
}
/** `assert cond; body` */
export interface AssertExpr {
  readonly kind: "assert";
  readonly cond: Expr;
  readonly body: Expr;
}
export type UnaryOp = "!" | "-";
export interface UnaryExpr {
  readonly kind: "unary";
  readonly op: UnaryOp;
  readonly operand: Expr;
}
export type BinaryOp =
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "&&"
  | "||"
  | "->"
  | "//"
  | "++"
  | "+"
  | "-"
  | "*"
  | "/";
export interface BinaryExpr {
  readonly kind: "binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

export type Expr =
  | NullExpr
  | BoolExpr
  | IntExpr
  | FloatExpr
  | StringExpr
  | PathExpr
  | IdExpr
  | AttrsExpr
  | ListExpr
  | LetExpr
  | LambdaExpr
  | CallExpr
  | SelectExpr
  | HasAttrExpr
  | IfExpr
  | WithExpr
  | AssertExpr
  | UnaryExpr
  | BinaryExpr;

export type ExprKind = Expr["kind"];

export const binaryOps: readonly BinaryOp[] = [
  "==", "!=", "<", "<=", ">", ">=", "&&", "||", "->", "//", "++", "+", "-", "*", "/",
];
