/** Spec data (JSON-like values holding DSL references) → lib/nix expressions. */
import { call, fromJS, id, ifThenElse, sel, type Expr, type NixData } from "../nix/index.js";
import { isRef, refNode, type JsonValue, type NixValue, type Ref, type RefNode } from "../spec/index.js";

/**
 * Values to print in place of `param(name)` references, where the param is not in scope (a
 * variant's overrides in default.nix know the values the file is called with).
 */
export type ParamValues = Readonly<Record<string, JsonValue>>;

/**
 * The Nix expression of a spec value: references become the Nix they stand for
 * (`pkgs.pkgsStatic.busybox`, `pkgs.busybox.override { … }`, a param's variable, `if … then …
 * else …`, a `rawNix(…)` expression); everything else is data, printed by lib/nix's fromJS (which
 * escapes strings exactly, keeps every key as it is, and refuses what Nix cannot hold).
 */
export function valueExpr(value: NixValue, params?: ParamValues): Expr {
  return fromJS(withRefsAsExprs(value, params));
}

function withRefsAsExprs(value: NixValue, params: ParamValues | undefined): NixData {
  if (isRef(value)) return refExpr(value, params);
  if (Array.isArray(value)) return (value as readonly NixValue[]).map((item) => withRefsAsExprs(item, params));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, NixData> = {};
    for (const [key, item] of Object.entries(value as Readonly<Record<string, NixValue>>)) {
      // defineProperty: a `__proto__` key is data, not the prototype.
      if (item !== undefined) Object.defineProperty(out, key, { value: withRefsAsExprs(item, params), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value as NixData;
}

/** The Nix expression a DSL reference stands for. */
export function refExpr(ref: Ref, params?: ParamValues): Expr {
  const node = refNode(ref);
  switch (node.kind) {
    case "attrPath":
      return sel(id("pkgs"), ...node.path);
    case "override": {
      const base: RefNode = refNode(node.base as Ref);
      // `pkgs.a.b.override`, not `(pkgs.a.b).override`: select the whole path at once.
      const fn = base.kind === "attrPath" ? sel(id("pkgs"), ...base.path, "override") : sel(refExpr(node.base, params), "override");
      return call(fn, valueExpr(node.args, params));
    }
    case "param":
      return params !== undefined && Object.hasOwn(params, node.name) ? fromJS(params[node.name] as JsonValue) : id(node.name);
    case "when":
      return ifThenElse(refExpr(node.cond, params), valueExpr(node.then, params), valueExpr(node.else, params));
    case "rawNix":
      return node.expr;
  }
}
