/** One spec → the AST and text of a callPackage-able Nix file calling nix2aci's mkACI. */
import { attrs, bind, call, id, inherit, lambda, NixPrintError, pattern, print, type Binding, type Expr, type PatternArgInput } from "../nix/index.js";
import { resolveVariant, toMkACIArgs, type ACISpec, type NixValue } from "../spec/index.js";
import { commentText, frame } from "./frame.js";
import { valueExpr } from "./refs.js";

/**
 * mkACI's arguments in the order of docs/mkaci-arguments.md: the generated call lists them in
 * this order whatever order the spec was written in.
 */
const argumentOrder = [
  "name", "version", "os", "arch", "labels", "annotations", "packages", "exec", "user", "group",
  "supplementaryGIDs", "environment", "workingDirectory", "eventHandlers", "ports", "mountPoints",
  "isolators", "userAnnotations", "userLabels", "dependencies", "pathWhitelist", "thin",
  "compression", "etc", "extraCommands",
] as const;

/**
 * Function arguments every generated file takes besides the spec's params: the package set, the
 * mkACI to call, and `thin` (default: the spec's `thin`), so that a thin variant is the same file
 * called with `thin = true`.
 */
export const fileArguments = ["pkgs", "mkACI", "thin"] as const;

/**
 * `{ pkgs, mkACI, <params with defaults>, thin ? false, ... }: mkACI { … }` for `spec` (its
 * variants aside: they are calls in default.nix, see renderTree). The spec must be valid.
 */
export function specFileExpr(spec: ACISpec): Expr {
  const base = resolveVariant(spec);
  const params: PatternArgInput[] = Object.entries(base.params ?? {}).map(([name, value]) => [name, fieldExpr(`params.${name}`, value)]);
  const formals: PatternArgInput[] = ["pkgs", "mkACI", ...params, ["thin", base.thin ?? false]];
  return lambda(pattern(formals, { ellipsis: true }), call(id("mkACI"), attrs(mkACIBindings(base))));
}

function mkACIBindings(spec: ACISpec): Binding[] {
  const args = toMkACIArgs(spec) as unknown as Readonly<Record<string, unknown>>;
  const keys = [...argumentOrder, ...Object.keys(args).filter((key) => !(argumentOrder as readonly string[]).includes(key))];
  const bindings: Binding[] = [];
  for (const key of keys) {
    if (key === "thin") bindings.push(inherit("thin"));
    else if (args[key] !== undefined) bindings.push(bind(key, fieldExpr(key, args[key] as NixValue)));
  }
  return bindings;
}

/** valueExpr of a spec field; a value Nix cannot hold is reported at its field path (`exec[1]: …`). */
function fieldExpr(field: string, value: NixValue): Expr {
  try {
    return valueExpr(value);
  } catch (error) {
    if (!(error instanceof NixPrintError)) throw error;
    throw new NixPrintError(error.message.startsWith("$") ? `${field}${error.message.slice(1)}` : `${field}: ${error.message}`);
  }
}

/** Where a rendered file comes from, for its header line. */
export interface FileOrigin {
  /** The spec module, as a path relative to the spec folder (e.g. `linux/busybox.ts`). */
  readonly source?: string;
  /** The variant rendered, when a variant has a file of its own. */
  readonly variant?: string;
}

/** The text of a spec's Nix file: a one-line header naming its source, then the printed function. */
export function renderSpecFile(spec: ACISpec, origin: FileOrigin = {}): string {
  return frame("spec-file.nix.hbs", {
    source: commentText(origin.source ?? "a spec"),
    variant: origin.variant === undefined ? "" : commentText(origin.variant),
    body: print(specFileExpr(spec)),
  });
}
