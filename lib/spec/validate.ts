/** validateSpec: every problem of a spec (and of each of its variants), each with its field path. */
import type { Shape } from "./arguments/shape.js";
import { SPEC_ARGUMENTS } from "./arguments/table.js";
import { Problems, SpecError, formatPath, type PathSegment, type Problem } from "./problems.js";
import { checkSpecRules, checkVariantNames } from "./rules.js";
import { SPEC_FIELD_NAMES, specSchema } from "./schema.js";
import type { ACISpec } from "./types.js";
import { resolveVariant, specAttrName } from "./variants.js";
import { problemsFromZod } from "./zod-problems.js";
import { isPlainObject } from "./json.js";

/** Field names allowed at an object path (for "did you mean" hints), read off the table. */
function knownKeys(path: readonly PathSegment[]): readonly string[] {
  const rest = path[0] === "variants" ? path.slice(2) : path;
  if (rest.length === 0) return SPEC_FIELD_NAMES;
  const top = rest[0] === "customIsolators" ? "isolators" : rest[0];
  let shape: Shape | undefined = SPEC_ARGUMENTS.find((f) => f.name === top)?.shape;
  for (const segment of rest.slice(1)) {
    if (shape?.kind === "list" && typeof segment === "number") shape = shape.of;
    else if (shape?.kind === "record") shape = shape.fields.find((f) => f.name === segment)?.shape;
    else return [];
  }
  return shape?.kind === "record" ? shape.fields.map((f) => f.name) : [];
}

/**
 * zod's problems. Under a standard isolator's `value` every rule is the isolator's own, which
 * only the generator checks (mkACI takes any JSON value): reported as rule `isolator-value`.
 */
function structural(input: unknown): Problem[] {
  const result = specSchema.safeParse(input);
  if (result.success) return [];
  return problemsFromZod(result.error.issues, input, knownKeys).map((p) =>
    p.path[0] === "isolators" && p.path[2] === "value" && p.rule !== "no-nul" && p.rule !== "unicode" ? { ...p, rule: "isolator-value" } : p,
  );
}

function semantic(input: unknown): Problem[] {
  const p = new Problems();
  checkSpecRules(p, input);
  return p.list;
}

/** Problems grouped by top-level field in spec order, then by list index; otherwise as found. */
function inFieldOrder(problems: Problem[]): Problem[] {
  const rank = (p: Problem): number => {
    const top = p.path[0];
    const i = typeof top === "string" ? SPEC_FIELD_NAMES.indexOf(top) : -1;
    return i === -1 ? SPEC_FIELD_NAMES.length : i;
  };
  const indexAt = (p: Problem): number => (typeof p.path[1] === "number" ? p.path[1] : -1);
  return problems
    .map((problem, order) => ({ problem, order }))
    .sort((a, b) => rank(a.problem) - rank(b.problem) || indexAt(a.problem) - indexAt(b.problem) || a.order - b.order)
    .map(({ problem }) => problem);
}

const key = (problem: Problem): string => `${problem.path.join("\u0000")}\u0001${problem.rule}`;

/**
 * All problems of `spec`, in field order: its shape and values (zod), then cross-field rules,
 * then each variant resolved over the base (reported under `variants.NAME…`, minus problems the
 * base already has). An empty list means valid.
 */
export function validateSpec(spec: unknown): Problem[] {
  const problems = inFieldOrder([...structural(spec), ...semantic(spec)]);
  const p = new Problems();
  checkVariantNames(p, spec);
  problems.push(...p.list);
  const variants = isPlainObject(spec) && isPlainObject(spec["variants"]) ? spec["variants"] : {};
  const seen = new Set(problems.map(key));
  for (const [name, variant] of Object.entries(variants)) {
    if (!isPlainObject(variant) || !isPlainObject(spec)) continue;
    const resolved = resolveVariant(spec as unknown as ACISpec, name);
    // The whole resolved variant, zod included (a variant named __proto__ is invisible to zod's record).
    for (const problem of [...structural(resolved), ...semantic(resolved)]) {
      const prefixed = { ...problem, path: ["variants", name, ...problem.path] };
      if (seen.has(key(problem)) || seen.has(key(prefixed))) continue;
      seen.add(key(prefixed));
      problems.push(prefixed);
    }
  }
  return problems;
}

/** Throws a {@link SpecError} listing every problem, or returns the spec typed. */
export function assertValidSpec(spec: unknown, file?: string): ACISpec {
  const problems = validateSpec(spec);
  if (problems.length > 0) throw new SpecError(problems, file);
  return spec as ACISpec;
}

/**
 * Problems of the specs of one module (or of a whole tree): each spec's own, plus Nix attribute
 * names (spec and variant names) that clash, since they share one default.nix.
 */
export function validateSpecs(specs: readonly unknown[]): Problem[] {
  const problems: Problem[] = [];
  const owners = new Map<string, string>();
  specs.forEach((spec, i) => {
    const prefix = specs.length === 1 ? [] : [i];
    for (const problem of validateSpec(spec)) problems.push({ ...problem, path: [...prefix, ...problem.path] });
    if (!isPlainObject(spec) || typeof spec["name"] !== "string") return;
    const attrs: [string, PathSegment[]][] = [[specAttrName(spec["name"]), [...prefix, "name"]]];
    const variants = spec["variants"];
    if (isPlainObject(variants)) for (const v of Object.keys(variants)) attrs.push([v, [...prefix, "variants", v]]);
    for (const [attr, path] of attrs) {
      const owner = owners.get(attr);
      if (owner === undefined) owners.set(attr, formatPath(path));
      else problems.push({ path, rule: "attr-unique", message: `Nix attribute name "${attr}" is already used by ${owner}`, value: attr });
    }
  });
  return problems;
}
