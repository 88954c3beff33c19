/** Many specs → a tree of Nix files plus `default.nix` with one attribute per spec and variant. */
import { posix } from "node:path";
import { attrs, bind, call, id, inherit, lambda, pattern, print, sel, type Binding, type Expr } from "../nix/index.js";
import { resolveVariant, specAttrName, toMkACIArgs, type ACISpec, type JsonValue } from "../spec/index.js";
import { frame } from "./frame.js";
import { valueExpr } from "./refs.js";
import { DEFAULT_NIX_DIR, defaultArguments, mkACIBindings, relativePath, renderSpecFile } from "./spec-file.js";

/** A spec and where it was declared. */
export interface TreeSpec {
  readonly spec: ACISpec;
  /**
   * Its module's path relative to the spec folder, `/`-separated (`linux/busybox.ts`). The Nix
   * file mirrors it (`linux/busybox.nix`) and its header names it. Without it: `<attribute>.nix`.
   */
  readonly module?: string;
  /** The module default-exports a list: its specs go to `<module path>/<attribute>.nix`. */
  readonly inList?: boolean;
  /** How error messages name the module (the CLI: its path from the working folder); default `module`. */
  readonly label?: string;
}

export interface RenderTreeOptions {
  /**
   * nix2aci's `nix/` folder as seen from the tree's folder (`/`-separated, relative), used as the
   * default `mkACI` of default.nix. Default `node_modules/nix2aci/nix`: a tree written at the
   * root of a project that installed nix2aci.
   */
  readonly nixDir?: string;
}

/** The tree's file names are `/`-separated relative paths; default.nix comes last. */
export type RenderedTree = Map<string, string>;

/**
 * One attribute of default.nix: `name = import ./file.nix { inherit pkgs mkACI; <arguments> };`,
 * or for an OCI image (`format: "oci"`) `{ inherit pkgs; mkACI = mkOCI; … }`: the file is a
 * function of the builder, and mkOCI takes mkACI's arguments.
 */
interface Attribute {
  readonly name: string;
  readonly file: string;
  readonly args: readonly Binding[];
  readonly oci: boolean;
}

/**
 * The arguments of a variant's call of its spec's file: the params it sets, and `overrides`: its
 * name as mkACI's `variant`, and the mkACI arguments that differ from the spec's (records already
 * merged as resolveVariant merges them; a param reference inside is printed as the value the file
 * is called with).
 */
export function variantArguments(spec: ACISpec, variantName: string): Binding[] {
  const variant = resolveVariant(spec, variantName);
  const setParams = spec.variants?.[variantName]?.params ?? {};
  const paramValues: Readonly<Record<string, JsonValue>> = { ...spec.params, ...setParams };
  const printed = (s: ACISpec): Map<string, string> => new Map(Object.entries(toMkACIArgs(s)).map(([key, value]) => [key, print(valueExpr(value))]));
  const before = printed(resolveVariant(spec));
  const after = printed(variant);
  const changed = new Set([...after].filter(([key, text]) => before.get(key) !== text).map(([key]) => key));
  const overrides = mkACIBindings(variant, paramValues).filter((b) => b.kind === "binding" && changed.has(String(b.path[0])));
  // The variant's name tells its image apart: a label, and the NAME part of the file name.
  return [
    ...Object.entries(setParams).map(([name, value]) => bind(name, valueExpr(value))),
    bind("overrides", attrs([bind("variant", variantName), ...overrides])),
  ];
}

/**
 * Renders specs (assumed valid, see validateSpecs) into files: one per spec, and in default.nix an
 * attribute per spec and per variant, every variant a call of its spec's file (see
 * variantArguments), so no file repeats another.
 */
export function renderTreeUnchecked(specs: readonly TreeSpec[], options: RenderTreeOptions = {}): RenderedTree {
  const nixDir = options.nixDir ?? DEFAULT_NIX_DIR;
  const tree: RenderedTree = new Map();
  const attributes: Attribute[] = [];
  const owners = new Map<string, string>();
  const add = (file: string, text: string, owner: string): void => {
    const earlier = owners.get(file);
    if (earlier !== undefined || file === "default.nix") {
      throw new Error(`nix2aci: ${owner} and ${earlier ?? "the tree's own default.nix"} would both be written to ${file}; rename one of them`);
    }
    owners.set(file, owner);
    tree.set(file, text);
  };
  for (const { spec, module, inList, label } of specs) {
    const attr = specAttrName(spec.name);
    const stem = module === undefined ? attr : inList === true ? `${stripExtension(module)}/${attr}` : stripExtension(module);
    const where = label ?? module;
    const owner = where === undefined ? `spec ${spec.name}` : inList === true ? `${where} (${spec.name})` : where;
    // nix/ as seen from the file's own folder, `depth` folders below the tree's.
    const depth = stem.split("/").length - 1;
    const fileNixDir = posix.normalize(posix.join("../".repeat(depth) || ".", nixDir));
    add(`${stem}.nix`, renderOrSay(owner, () => renderSpecFile(spec, { ...(module === undefined ? {} : { source: module }), nixDir: fileNixDir })), owner);
    attributes.push({ name: attr, file: `${stem}.nix`, args: [], oci: spec.format === "oci" });
    for (const variantName of Object.keys(spec.variants ?? {})) {
      const args = renderOrSay(`${owner}: variants.${variantName}`, () => variantArguments(spec, variantName));
      attributes.push({ name: variantName, file: `${stem}.nix`, args, oci: resolveVariant(spec, variantName).format === "oci" });
    }
  }
  checkUniqueAttributes(attributes);
  tree.set("default.nix", frame("default.nix.hbs", { body: print(defaultFileExpr(attributes, nixDir)) }));
  return tree;
}

/** Runs `render`, naming `owner` in any error (lib/nix refuses values Nix cannot hold). */
function renderOrSay<T>(owner: string, render: () => T): T {
  try {
    return render();
  } catch (error) {
    throw new Error(`${owner}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function checkUniqueAttributes(attributes: readonly Attribute[]): void {
  const files = new Map<string, string>();
  for (const { name, file } of attributes) {
    const earlier = files.get(name);
    if (earlier !== undefined) throw new Error(`nix2aci: default.nix attribute "${name}" comes from both ${earlier} and ${file}; names (the last part of a spec's name, variant names) must be unique`);
    files.set(name, file);
  }
}

/**
 * `{ pkgs ? import <nixpkgs> { }, mkACI ? (import <nixDir> { inherit pkgs; }).mkACI }: { … }`
 * (and `mkOCI ? …` when an attribute is an OCI image): any package set can be passed
 * (`--arg pkgs 'import ./nix/host-pkgs.nix {}'`); files are imported with explicit arguments
 * rather than `pkgs.callPackage`, which such a set may lack.
 */
export function defaultFileExpr(attributes: readonly Attribute[], nixDir: string): Expr {
  const bindings: Binding[] = attributes.map(({ name, file, args, oci }) =>
    bind(name, call(id("import"), relativePath(file), attrs([...(oci ? [inherit("pkgs"), bind("mkACI", id("mkOCI"))] : [inherit("pkgs", "mkACI")]), ...args]))),
  );
  const formals = defaultArguments(nixDir);
  if (attributes.some((a) => a.oci)) formals.push(["mkOCI", sel(call(id("import"), relativePath(nixDir), attrs([inherit("pkgs")])), "mkOCI")]);
  return lambda(pattern(formals), attrs(bindings));
}

function stripExtension(module: string): string {
  return module.replace(/\.(ts|mts|cts|js|mjs|cjs)$/, "");
}
