/**
 * Runs CommonJS code that esbuild made from spec modules, in this process, with the `require`
 * it is given: the spec bundle, or a spec compiled alone (see ./load-spec-module.ts).
 */
import path from "node:path";
import { compileFunction } from "node:vm";

/** A module's `require`. */
export type Require = (id: string) => unknown;

/** The module's `module.exports` after running `code` (CommonJS) as the module at `filename`. */
export function evaluateCommonJS(code: string, filename: string, require: Require): unknown {
  const run = compileFunction(code, ["exports", "require", "module", "__filename", "__dirname"], { filename });
  const module = { exports: {} as unknown };
  run.call(module.exports, module.exports, require, module, filename, path.dirname(filename));
  return module.exports;
}
