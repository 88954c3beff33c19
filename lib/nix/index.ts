/** lib/nix: a typed Nix expression tree, builders for it, and an exact, stable printer. */
export type * from "./ast.js";
export { binaryOps } from "./ast.js";
export { isExpr } from "./brand.js";
export { NixPrintError } from "./errors.js";
export { isIdentifier, nixKeywords } from "./lexical.js";
export { bool, float, id, indentedStr, int, nul, path, str } from "./scalars.js";
export { fromJS, type FromJSOptions, type NixData } from "./fromjs.js";
export {
  assertIn,
  attrs,
  bind,
  call,
  concatLists,
  type ExprLike,
  hasAttr,
  ifThenElse,
  inherit,
  inheritFrom,
  lambda,
  letIn,
  list,
  neg,
  not,
  op,
  pattern,
  type PatternArgInput,
  type PatternOptions,
  recAttrs,
  sel,
  selOr,
  update,
  withIn,
} from "./builders.js";
export { print, printFile, type PrintOptions } from "./print.js";
