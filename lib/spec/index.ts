/** lib/spec: the typed ACI spec, its package DSL, validation, and the mapping to mkACI arguments. */
export type * from "./types.js";
export type * from "./isolator-types.js";
export type { JsonValue } from "./json.js";
export {
  REF,
  attrPath,
  describeRef,
  isPackageRef,
  isRef,
  nix,
  param,
  pkgs,
  refNode,
  when,
  RESERVED_ATTRS,
} from "./dsl.js";
export type {
  AttrPathNode,
  AttrPathRef,
  Condition,
  NixNode,
  NixRef,
  NixValue,
  OverrideNode,
  OverrideRef,
  PackageRef,
  ParamNode,
  ParamRef,
  Ref,
  RefNode,
  WhenNode,
  WhenRef,
} from "./dsl.js";
export { defineACI, type SpecModuleExport } from "./define.js";
export { resolveVariant, specAttrName, isNixIdentifier, MERGED_FIELDS } from "./variants.js";
export { toMkACIArgs, type MkACIArgs } from "./mkaci.js";
export { validateSpec, validateSpecs, assertValidSpec } from "./validate.js";
export { validateManifest } from "./manifest.js";
export { SpecError, formatProblem, formatProblems, formatPath, type Problem, type PathSegment } from "./problems.js";
