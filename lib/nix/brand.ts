/**
 * Nodes made by the builders are remembered (weakly) so that `fromJS` (and `attrs`, `list`) can
 * tell an embedded Nix expression from plain data that merely has a `kind` field. A WeakSet keeps
 * the nodes themselves plain, fast objects. The set is one per process, found through a
 * `Symbol.for` key: a spec module loaded with its own copy of nix2aci (jiti, esbuild) builds
 * `rawNix(nix.…)` nodes that the CLI's copy must recognise too.
 */
import type { Expr } from "./ast.js";

const key = Symbol.for("nix2aci.nix.built");
const registry = globalThis as { [key]?: WeakSet<object> };
const built: WeakSet<object> = (registry[key] ??= new WeakSet<object>());

/** Marks `node` as made by a builder. */
export function brand<T extends Expr>(node: T): T {
  built.add(node);
  return node;
}

/** True for nodes made by the builders of any copy of this library in this process. */
export function isExpr(value: unknown): value is Expr {
  return typeof value === "object" && value !== null && built.has(value);
}
