/** One spec → the AST and text of a callPackage-able Nix file calling nix2aci's mkACI. */
import { attrs, bind, call, id, lambda, NixPrintError, pattern, print, update, type Binding, type Expr, type PatternArgInput } from "../nix/index.js";
import { resolveVariant, toMkACIArgs, type ACISpec, type NixValue } from "../spec/index.js";
import { commentText, frame } from "./frame.js";
import { valueExpr, type ParamValues } from "./refs.js";

/**
 * `{ pkgs, mkACI, <params with defaults>, overrides ? { }, ... }: mkACI ({ … } // overrides)` for
 * `spec` (its variants aside: they are calls of this file in default.nix, see renderTree). The
 * spec must be valid. `overrides` replaces mkACI arguments as a whole.
 */
export function specFileExpr(spec: ACISpec): Expr {
  const base = resolveVariant(spec);
  const params: PatternArgInput[] = Object.entries(base.params ?? {}).map(([name, value]) => [name, fieldExpr(`params.${name}`, value)]);
  const formals: PatternArgInput[] = ["pkgs", "mkACI", ...params, ["overrides", attrs({})]];
  return lambda(pattern(formals, { ellipsis: true }), call(id("mkACI"), update(attrs(mkACIBindings(base)), id("overrides"))));
}

/** `key = value;` for each mkACI argument of `spec`, in table order. */
export function mkACIBindings(spec: ACISpec, params?: ParamValues): Binding[] {
  return Object.entries(toMkACIArgs(spec)).map(([key, value]) => bind(key, fieldExpr(key, value, params)));
}

/** valueExpr of a spec field; a value Nix cannot hold is reported at its field path (`exec[1]: …`). */
function fieldExpr(field: string, value: NixValue, params?: ParamValues): Expr {
  try {
    return valueExpr(value, params);
  } catch (error) {
    if (!(error instanceof NixPrintError)) throw error;
    throw new NixPrintError(error.message.startsWith("$") ? `${field}${error.message.slice(1)}` : `${field}: ${error.message}`);
  }
}

/** Where a rendered file comes from, for its header line. */
export interface FileOrigin {
  /** The spec module, as a path relative to the spec folder (e.g. `linux/busybox.ts`). */
  readonly source?: string;
}

/** The text of a spec's Nix file: a one-line header naming its source, then the printed function. */
export function renderSpecFile(spec: ACISpec, origin: FileOrigin = {}): string {
  return frame("spec-file.nix.hbs", {
    source: commentText(origin.source ?? "a spec"),
    body: print(specFileExpr(spec)),
  });
}
