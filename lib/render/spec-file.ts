/** One spec → the AST and text of a callPackage-able Nix file calling nix2aci's mkACI. */
import { attrs, bind, call, id, inherit, lambda, NixPrintError, op, path, pattern, print, sel, str, update, type Binding, type Expr, type PatternArgInput } from "../nix/index.js";
import { resolveVariant, toMkACIArgs, type ACISpec, type NixValue } from "../spec/index.js";
import { commentText, frame } from "./frame.js";
import { valueExpr, type ParamValues } from "./refs.js";

/** Where generated files find nix2aci's nix/ by default: a project that installed nix2aci. */
export const DEFAULT_NIX_DIR = "node_modules/nix2aci/nix";

/**
 * `{ pkgs ? import <nixpkgs> { }, mkACI ? (import <nixDir> { inherit pkgs; }).mkACI,
 * <params with defaults>, overrides ? { }, ... }: mkACI ({ … } // overrides)` for `spec` (its
 * variants aside: they are calls of this file in default.nix, see renderTree). The spec must be
 * valid. `overrides` replaces mkACI arguments as a whole; `nixDir` is nix2aci's nix/ as seen from
 * the file's folder: with both defaults the file builds on its own (`nix-build file.nix`), and
 * `pkgs.callPackage` still passes its own `pkgs` (and `mkACI`, where an overlay adds it).
 */
export function specFileExpr(spec: ACISpec, nixDir: string = DEFAULT_NIX_DIR): Expr {
  const base = resolveVariant(spec);
  const params: PatternArgInput[] = Object.entries(base.params ?? {}).map(([name, value]) => [name, fieldExpr(`params.${name}`, value)]);
  const formals: PatternArgInput[] = [...defaultArguments(nixDir), ...params, ["overrides", attrs({})]];
  return lambda(pattern(formals, { ellipsis: true }), call(id("mkACI"), update(attrs(mkACIBindings(base)), id("overrides"))));
}

/** `pkgs ? import <nixpkgs> { }` and `mkACI ? (import NIXDIR { inherit pkgs; }).mkACI`. */
export function defaultArguments(nixDir: string): PatternArgInput[] {
  return [
    ["pkgs", call(id("import"), path("<nixpkgs>"), attrs({}))],
    ["mkACI", sel(call(id("import"), relativePath(nixDir), attrs([inherit("pkgs")])), "mkACI")],
  ];
}

/** A relative path as a Nix path literal (`./a/b.nix`, `../../nix`), or `./. + "/odd name.nix"`. */
export function relativePath(relative: string): Expr {
  const literal = relative.startsWith("../") || relative === ".." ? relative : `./${relative}`;
  try {
    return path(literal);
  } catch {
    return op(path("./."), "+", str(`/${relative}`));
  }
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

/** Where a rendered file comes from (for its header line) and where it will find nix/. */
export interface FileOrigin {
  /** The spec module, as a path relative to the spec folder (e.g. `linux/busybox.ts`). */
  readonly source?: string;
  /** nix2aci's nix/ folder as seen from the file's folder, `/`-separated; default {@link DEFAULT_NIX_DIR}. */
  readonly nixDir?: string;
}

/** The text of a spec's Nix file: a one-line header naming its source, then the printed function. */
export function renderSpecFile(spec: ACISpec, origin: FileOrigin = {}): string {
  return frame("spec-file.nix.hbs", {
    source: commentText(origin.source ?? "a spec"),
    body: print(specFileExpr(spec, origin.nixDir)),
  });
}
