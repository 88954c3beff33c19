/**
 * Nodes made by the builders are remembered (weakly) so that `fromJS` (and `attrs`, `list`) can
 * tell an embedded Nix expression from plain data that merely has a `kind` field. A WeakSet keeps
 * the nodes themselves plain, fast objects.
 */
import type { Expr } from "./ast.js";

const built = new WeakSet<object>();

/** Marks `node` as made by a builder. */
export function brand<T extends Expr>(node: T): T {
  built.add(node);
  return node;
}

/** True for nodes made by this library's builders. */
export function isExpr(value: unknown): value is Expr {
  return typeof value === "object" && value !== null && built.has(value);
}
