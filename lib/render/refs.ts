/** Spec data (JSON-like values holding DSL references) → lib/nix expressions. */
import { call, fromJS, id, ifThenElse, sel, type Expr, type NixData } from "../nix/index.js";
import { isRef, refNode, type NixValue, type Ref, type RefNode } from "../spec/index.js";

/**
 * The Nix expression of a spec value: references become the Nix they stand for
 * (`pkgs.pkgsStatic.busybox`, `pkgs.busybox.override { … }`, a param's variable, `if … then …
 * else …`, a `nix(…)` expression); everything else is data, printed by lib/nix's fromJS (which
 * escapes strings exactly and refuses what Nix cannot hold).
 */
export function valueExpr(value: NixValue): Expr {
  return fromJS(withRefsAsExprs(value));
}

function withRefsAsExprs(value: NixValue): NixData {
  if (isRef(value)) return refExpr(value);
  if (Array.isArray(value)) return (value as readonly NixValue[]).map(withRefsAsExprs);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, NixData> = {};
    for (const [key, item] of Object.entries(value as Readonly<Record<string, NixValue>>)) {
      if (item !== undefined) out[key] = withRefsAsExprs(item);
    }
    return out;
  }
  return value as NixData;
}

/** The Nix expression a DSL reference stands for. */
export function refExpr(ref: Ref): Expr {
  const node = refNode(ref);
  switch (node.kind) {
    case "attrPath":
      return sel(id("pkgs"), ...node.path);
    case "override": {
      const base: RefNode = refNode(node.base as Ref);
      // `pkgs.a.b.override`, not `(pkgs.a.b).override`: select the whole path at once.
      const fn = base.kind === "attrPath" ? sel(id("pkgs"), ...base.path, "override") : sel(refExpr(node.base), "override");
      return call(fn, valueExpr(node.args));
    }
    case "param":
      return id(node.name);
    case "when":
      return ifThenElse(refExpr(node.cond), valueExpr(node.then), valueExpr(node.else));
    case "nix":
      return node.expr;
  }
}
