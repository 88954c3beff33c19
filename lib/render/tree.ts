/** Many specs → a tree of Nix files plus `default.nix` with one attribute per spec and variant. */
import { attrs, bind, call, id, inherit, lambda, op, path, pattern, print, sel, str, type Binding, type Expr } from "../nix/index.js";
import { resolveVariant, specAttrName, type ACISpec, type ACIVariant, type NixValue } from "../spec/index.js";
import { frame } from "./frame.js";
import { valueExpr } from "./refs.js";
import { renderSpecFile } from "./spec-file.js";

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

/** Variant fields that keep a variant a call of its spec's file (the rest need a file of their own). */
const callableVariantFields: ReadonlySet<string> = new Set(["params", "thin"]);

/** One attribute of default.nix: `name = import ./file.nix { inherit pkgs mkACI; <arguments> };` */
interface Attribute {
  readonly name: string;
  readonly file: string;
  readonly args: Readonly<Record<string, NixValue>>;
}

/**
 * Renders specs (assumed valid, see validateSpecs) into files. A variant that only sets params
 * and/or `thin` is a call of its spec's file with those arguments; a variant that changes any
 * other field is rendered to a file of its own, `<spec file>.<variant>.nix`.
 */
export function renderTreeUnchecked(specs: readonly TreeSpec[], options: RenderTreeOptions = {}): RenderedTree {
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
    add(`${stem}.nix`, renderOrSay(owner, () => renderSpecFile(spec, module === undefined ? {} : { source: module })), owner);
    attributes.push({ name: attr, file: `${stem}.nix`, args: {} });
    for (const [variantName, variant] of Object.entries(spec.variants ?? {})) {
      if (isCallable(variant)) {
        attributes.push({ name: variantName, file: `${stem}.nix`, args: { ...variant.params, ...(variant.thin === undefined ? {} : { thin: variant.thin }) } });
      } else {
        const file = `${stem}.${variantName}.nix`;
        const origin = { ...(module === undefined ? {} : { source: module }), variant: variantName };
        add(file, renderOrSay(`${owner}: variants.${variantName}`, () => renderSpecFile(resolveVariant(spec, variantName), origin)), `${owner} variant ${variantName}`);
        attributes.push({ name: variantName, file, args: {} });
      }
    }
  }
  checkUniqueAttributes(attributes);
  tree.set("default.nix", frame("default.nix.hbs", { body: print(defaultFileExpr(attributes, options.nixDir ?? "node_modules/nix2aci/nix")) }));
  return tree;
}

/** Runs `render`, naming `owner` in any error (lib/nix refuses values Nix cannot hold). */
function renderOrSay(owner: string, render: () => string): string {
  try {
    return render();
  } catch (error) {
    throw new Error(`${owner}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isCallable(variant: ACIVariant): boolean {
  return Object.entries(variant).every(([key, value]) => value === undefined || callableVariantFields.has(key));
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
 * `{ pkgs ? import <nixpkgs> { }, mkACI ? (import <nixDir> { inherit pkgs; }).mkACI }: { … }`:
 * any package set can be passed (`--arg pkgs 'import ./nix/host-pkgs.nix {}'`); files are
 * imported with explicit arguments rather than `pkgs.callPackage`, which such a set may lack.
 */
export function defaultFileExpr(attributes: readonly Attribute[], nixDir: string): Expr {
  const defaultPkgs = call(id("import"), path("<nixpkgs>"), attrs({}));
  const defaultMkACI = sel(call(id("import"), relativePath(nixDir), attrs([inherit("pkgs")])), "mkACI");
  const bindings: Binding[] = attributes.map(({ name, file, args }) =>
    bind(name, call(id("import"), relativePath(file), attrs([inherit("pkgs", "mkACI"), ...Object.entries(args).map(([key, value]) => bind(key, valueExpr(value)))]))),
  );
  return lambda(pattern([["pkgs", defaultPkgs], ["mkACI", defaultMkACI]]), attrs(bindings));
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

function stripExtension(module: string): string {
  return module.replace(/\.(ts|mts|cts|js|mjs|cjs)$/, "");
}
