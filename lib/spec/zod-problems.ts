/** zod issues -> our Problems (field path, rule id, plain-English requirement, offending value). */
import type { z } from "zod";
import type { PathSegment, Problem } from "./problems.js";
import { closest } from "./suggest.js";

const EXPECTED: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  array: "a list",
  tuple: "a list",
  object: "an object",
  record: "an object",
  nan: "a number",
};

/** The value at `path` in `root`, or undefined. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function segments(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((s) => (typeof s === "symbol" ? String(s) : s));
}

function withValue(path: PathSegment[], rule: string, message: string, root: unknown): Problem {
  const value = valueAt(root, path);
  return value === undefined ? { path, rule, message } : { path, rule, message, value };
}

/**
 * Converts issues. `knownKeys(path)` lists the field names allowed at an object path, for
 * "did you mean" hints on unknown fields.
 */
export function problemsFromZod(
  issues: readonly z.core.$ZodIssue[],
  root: unknown,
  knownKeys: (path: readonly PathSegment[]) => readonly string[],
): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = segments(issue.path);
    const parent = valueAt(root, path.slice(0, -1));
    if (path[path.length - 1] === 0 && Array.isArray(parent) && parent.length === 0) {
      // the first item of a non-empty list (a tuple with a rest element) is missing
      out.push({ path: path.slice(0, -1), rule: "non-empty", message: "must have at least one item", value: parent });
      continue;
    }
    switch (issue.code) {
      case "invalid_type": {
        const value = valueAt(root, path);
        if (value === undefined) {
          out.push({ path, rule: "required", message: `is required (${EXPECTED[issue.expected] ?? issue.expected})` });
        } else {
          out.push({ path, rule: "type", message: `must be ${EXPECTED[issue.expected] ?? issue.expected}`, value });
        }
        break;
      }
      case "custom": {
        const params = issue.params as { rule?: unknown } | undefined;
        const rule = typeof params?.rule === "string" ? params.rule : "custom";
        out.push(withValue(path, rule, issue.message, root));
        break;
      }
      case "too_small":
      case "too_big": {
        const small = issue.code === "too_small";
        const bound = small ? issue.minimum : issue.maximum;
        const message =
          issue.origin === "array" || issue.origin === "set"
            ? `must have ${small ? "at least" : "at most"} ${String(bound)} item(s)`
            : issue.origin === "string"
              ? `must be ${small ? "at least" : "at most"} ${String(bound)} characters long`
              : `must be ${small ? ">=" : "<="} ${String(bound)}`;
        out.push(withValue(path, "range", message, root));
        break;
      }
      case "invalid_value": {
        const options = issue.values.map((v) => JSON.stringify(v)).join(", ");
        if (valueAt(root, path) === undefined) out.push({ path, rule: "required", message: `is required (${options})` });
        else out.push(withValue(path, "one-of", `must be one of ${options}`, root));
        break;
      }
      case "unrecognized_keys": {
        const known = knownKeys(path);
        for (const key of issue.keys) {
          const hint = closest(key, known);
          out.push(
            withValue([...path, key], "unknown-field", `is not a known field${hint === undefined ? "" : ` (did you mean "${hint}"?)`}`, root),
          );
        }
        break;
      }
      case "invalid_key": {
        // record keys: report each rule the key broke, with the key as the value
        const key = path[path.length - 1];
        for (const inner of issue.issues) {
          const params = (inner as { params?: { rule?: unknown } }).params;
          const rule = typeof params?.rule === "string" ? params.rule : "key";
          out.push({ path, rule, message: `name ${inner.message}`, value: key });
        }
        break;
      }
      case "invalid_union": {
        const disc = (issue as { discriminator?: string; options?: readonly unknown[] }).discriminator;
        const options = (issue as { options?: readonly unknown[] }).options;
        if (disc !== undefined && options !== undefined) {
          const value = valueAt(root, path);
          const hint = typeof value === "string" ? closest(value, options.map(String)) : undefined;
          out.push({
            path,
            rule: "isolator-name",
            message: `must be a standard appc isolator name${hint === undefined ? "" : ` (did you mean "${hint}"?)`}; others go under customIsolators`,
            value,
          });
        } else {
          out.push(withValue(path, "type", "has the wrong shape", root));
        }
        break;
      }
      default:
        out.push(withValue(path, issue.code, issue.message, root));
    }
  }
  return out;
}
