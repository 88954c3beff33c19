/**
 * Operator precedence, from Nix 2.8's grammar (src/libexpr/parser.y) and the Nix manual's table.
 * Higher binds tighter. Every construct gets a level; an operand prints bare only if its level is
 * at least the minimum its position allows, else it is parenthesised.
 */
import type { BinaryOp } from "./ast.js";

export const Prec = {
  /** function, let, if, with, assert: extend as far right as possible; operands need parens */
  lowest: 0,
  impl: 1, // ->   right
  or: 2, // ||     left
  and: 3, // &&    left
  eq: 4, // == !=  none
  rel: 5, // < <= > >=  none
  update: 6, // // right
  not: 7, // !e    prefix
  add: 8, // + -   left
  mul: 9, // * /   left
  concat: 10, // ++ right
  hasAttr: 11, // e ? path  none
  negate: 12, // -e prefix
  app: 13, // f x  left
  selectOr: 14, // e.a or d
  atom: 15, // literals, names, { }, [ ], ( ), e.a
} as const;

export type Assoc = "left" | "right" | "none";

export const binaryInfo: Readonly<Record<BinaryOp, { readonly prec: number; readonly assoc: Assoc }>> = {
  "->": { prec: Prec.impl, assoc: "right" },
  "||": { prec: Prec.or, assoc: "left" },
  "&&": { prec: Prec.and, assoc: "left" },
  "==": { prec: Prec.eq, assoc: "none" },
  "!=": { prec: Prec.eq, assoc: "none" },
  "<": { prec: Prec.rel, assoc: "none" },
  "<=": { prec: Prec.rel, assoc: "none" },
  ">": { prec: Prec.rel, assoc: "none" },
  ">=": { prec: Prec.rel, assoc: "none" },
  "//": { prec: Prec.update, assoc: "right" },
  "+": { prec: Prec.add, assoc: "left" },
  "-": { prec: Prec.add, assoc: "left" },
  "*": { prec: Prec.mul, assoc: "left" },
  "/": { prec: Prec.mul, assoc: "left" },
  "++": { prec: Prec.concat, assoc: "right" },
};

/** Minimum level a list element, function argument or `or` default must have to print bare. */
export const argumentPrec = Prec.selectOr;
