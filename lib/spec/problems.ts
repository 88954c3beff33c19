/** Validation problems: where (field path), which rule, what was wrong, and with what value. */
import { inspect } from "node:util";
import { describeRef, isRef } from "./dsl.js";
import { isPlainObject } from "./json.js";

export type PathSegment = string | number;

export interface Problem {
  /** Field path as the user wrote it, e.g. `["ports", 1, "name"]`. */
  readonly path: readonly PathSegment[];
  /** Short rule id, stable for tests and tools, e.g. `ac-name`, `unique`, `type`. */
  readonly rule: string;
  /** What is required, e.g. `must be an AC Name (^[a-z0-9]+([-][a-z0-9]+)*$)`. */
  readonly message: string;
  /** The offending value (absent when the field is missing). */
  readonly value?: unknown;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `ports[1].name`; odd keys in brackets: `environment["MY VAR"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === "" ? "(top level)" : out;
}

/** A short, exact rendering of a value for messages (strings JSON-quoted, so NUL shows as \u0000). */
export function formatValue(value: unknown): string {
  if (isRef(value)) return describeRef(value);
  if (typeof value === "string") return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  if (typeof value === "number") return String(value);
  if (typeof value === "object" && value !== null && !Array.isArray(value) && !isPlainObject(value)) {
    return inspect(value, { depth: 1, breakLength: Infinity });
  }
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json.length > 200 ? `${json.slice(0, 200)}…` : json;
  } catch {
    // cyclic or BigInt: fall through
  }
  return inspect(value, { depth: 2, breakLength: Infinity });
}

/** One line per problem: `busybox.ts: ports[1].name: must be an AC Name (…), got "HTTP"`. */
export function formatProblem(problem: Problem, file?: string): string {
  const where = `${file === undefined ? "" : `${file}: `}${formatPath(problem.path)}`;
  const got = "value" in problem ? `, got ${formatValue(problem.value)}` : "";
  return `${where}: ${problem.message}${got}`;
}

export function formatProblems(problems: readonly Problem[], file?: string): string {
  return problems.map((p) => formatProblem(p, file)).join("\n");
}

/** Thrown when a spec is invalid; carries every problem found. */
export class SpecError extends Error {
  readonly problems: readonly Problem[];
  readonly file: string | undefined;
  constructor(problems: readonly Problem[], file?: string) {
    super(`invalid spec${file === undefined ? "" : ` ${file}`}:\n${formatProblems(problems, file)}`);
    this.name = "SpecError";
    this.problems = problems;
    this.file = file;
  }
}

/** Collects problems; `at` gives a collector bound to a sub-path. */
export class Problems {
  readonly list: Problem[] = [];
  add(path: readonly PathSegment[], rule: string, message: string, ...value: [unknown?]): void {
    this.list.push(value.length === 0 ? { path: [...path], rule, message } : { path: [...path], rule, message, value: value[0] });
  }
}
