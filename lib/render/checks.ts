/** Rules of the generator itself, on top of lib/spec's validation, reported the same way. */
import type { Problem } from "../spec/index.js";
import { isPlainObject } from "../spec/json.js";
import { fileArguments } from "./spec-file.js";

/**
 * Problems only the generator sees: a param named like an argument every generated file already
 * takes (`pkgs`, `mkACI`, `thin`). `prefix` goes in front of each path (the spec's index in a list).
 */
export function renderProblems(spec: unknown, prefix: readonly (string | number)[] = []): Problem[] {
  const problems: Problem[] = [];
  const params = isPlainObject(spec) ? spec["params"] : undefined;
  if (!isPlainObject(params)) return problems;
  for (const name of Object.keys(params)) {
    if ((fileArguments as readonly string[]).includes(name)) {
      problems.push({
        path: [...prefix, "params", name],
        rule: "param-reserved",
        message: `param name is reserved: every generated file takes ${fileArguments.join(", ")} as arguments`,
        value: name,
      });
    }
  }
  return problems;
}
