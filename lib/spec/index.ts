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
  rawNix,
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
  NixValue,
  OverrideNode,
  OverrideRef,
  PackageRef,
  ParamNode,
  ParamRef,
  RawNixNode,
  RawNixRef,
  Ref,
  RefNode,
  WhenNode,
  WhenRef,
} from "./dsl.js";
export { defineACI, type SpecModuleExport } from "./define.js";
export { resolveVariant, specAttrName, isNixIdentifier, MERGED_FIELDS } from "./variants.js";
export { toMkACIArgs, ownRecord, type MkACIArgs } from "./mkaci.js";
export { ociImages, ociIgnoredFields, ociWarning } from "./oci.js";
export { validateSpec, validateSpecs, assertValidSpec } from "./validate.js";
export { MKACI_ARGUMENTS, SPEC_ARGUMENTS, RESERVED_PARAMS, CODED_RULES, GENERATOR_ONLY } from "./arguments/table.js";
export type { Field, Shape, Default } from "./arguments/shape.js";
export { SpecError, formatProblem, formatProblems, formatPath, type Problem, type PathSegment } from "./problems.js";
