/**
 * Nodes made by the builders carry a hidden brand so that `fromJS` (and `attrs`, `list`) can tell
 * an embedded Nix expression from plain data that merely has a `kind` field.
 */
import type { Expr } from "./ast.js";

const exprBrand: unique symbol = Symbol.for("nix2aci.nix.Expr");

/** Marks `node` as an Expr (non-enumerable, so it stays out of JSON and equality checks). */
export function brand<T extends Expr>(node: T): T {
  Object.defineProperty(node, exprBrand, { value: true, enumerable: false });
  return node;
}

/** True for nodes made by this library's builders. */
export function isExpr(value: unknown): value is Expr {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[exprBrand] === true;
}
