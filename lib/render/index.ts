/**
 * lib/render: validated specs → Nix files. `renderACI` gives one spec's callPackage-able file,
 * `renderTree` a whole tree with its default.nix, `writeTree` writes a tree atomically.
 */
import { SpecError, validateSpec, validateSpecs, type ACISpec } from "../spec/index.js";
import { renderSpecFile, type FileOrigin } from "./spec-file.js";
import { renderTreeUnchecked, type RenderTreeOptions, type RenderedTree, type TreeSpec } from "./tree.js";

export { writeTree, type WriteTreeReport } from "./write-tree.js";
export { specFileExpr, renderSpecFile, relativePath, DEFAULT_NIX_DIR, type FileOrigin } from "./spec-file.js";
export { renderTreeUnchecked, variantArguments, defaultFileExpr, type RenderTreeOptions, type RenderedTree, type TreeSpec } from "./tree.js";
export { valueExpr, refExpr, type ParamValues } from "./refs.js";
export { checkPackagePaths, type PackagePathOptions, type PackagePathReport } from "./package-paths.js";

/**
 * The Nix file of one spec: `{ pkgs, mkACI, <params> ? <defaults>, overrides ? { }, ... }:
 * mkACI ({ … } // overrides)`, preceded by a one-line header naming `origin.source`. Variants
 * are not in it (see renderTree). Throws a {@link SpecError} listing every problem when the spec
 * is invalid.
 */
export function renderACI(spec: ACISpec, origin: FileOrigin = {}): string {
  const problems = validateSpec(spec);
  if (problems.length > 0) throw new SpecError(problems, origin.source);
  return renderSpecFile(spec, origin);
}

/**
 * Files for many specs (plain specs, or {@link TreeSpec}s saying which module each came from):
 * relative path → text, with `default.nix` (one attribute per spec and per variant) last.
 * Throws a {@link SpecError} when a spec is invalid or two specs claim the same attribute name.
 */
export function renderTree(specs: readonly (ACISpec | TreeSpec)[], options: RenderTreeOptions = {}): RenderedTree {
  const entries: TreeSpec[] = specs.map((item) => (isTreeSpec(item) ? item : { spec: item }));
  const problems = validateSpecs(entries.map((entry) => entry.spec));
  if (problems.length > 0) throw new SpecError(problems);
  return renderTreeUnchecked(entries, options);
}

function isTreeSpec(item: ACISpec | TreeSpec): item is TreeSpec {
  return "spec" in item && typeof item.spec === "object" && item.spec !== null;
}
