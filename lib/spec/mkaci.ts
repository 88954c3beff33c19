/**
 * Spec -> mkACI arguments as plain data, walking the argument table: keys in table order, record
 * fields in table order, map keys sorted. Package references stay DSL references: lib/render
 * turns them (and only them) into Nix expressions and prints the rest.
 */
import type { Shape } from "./arguments/shape.js";
import { SPEC_ARGUMENTS } from "./arguments/table.js";
import type { NixValue } from "./dsl.js";
import { isPlainObject } from "./json.js";
import type { ACISpec } from "./types.js";

/**
 * The argument set of one mkACI call, keys in table order. Optional arguments are present exactly
 * when the spec sets them (mkACI supplies the documented defaults otherwise).
 */
export type MkACIArgs = Readonly<Record<string, NixValue>>;

/** An object with exactly these own keys, in this order (`__proto__` included, as a plain key). */
export function ownRecord(entries: Iterable<readonly [string, NixValue]>): Record<string, NixValue> {
  const out: Record<string, NixValue> = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** `value` as the table says: records in field order without undefined fields, maps sorted. */
function tidy(shape: Shape, value: unknown): NixValue {
  switch (shape.kind) {
    case "list":
      return Array.isArray(value) ? value.map((item: unknown) => tidy(shape.of, item)) : (value as NixValue);
    case "strings":
      if (!isPlainObject(value)) return value as NixValue;
      return ownRecord(Object.keys(value).sort().flatMap((key) => (value[key] === undefined ? [] : [[key, value[key] as NixValue] as const])));
    case "record": {
      if (!isPlainObject(value)) return value as NixValue;
      // Known fields in table order, then anything else as it is (never dropped: mkACI refuses it).
      const known = shape.fields.flatMap((f) => (value[f.name] === undefined ? [] : [[f.name, tidy(f.shape, value[f.name])] as const]));
      const names = new Set(shape.fields.map((f) => f.name));
      const rest = Object.keys(value).flatMap((key) => (names.has(key) || value[key] === undefined ? [] : [[key, value[key] as NixValue] as const]));
      return ownRecord([...known, ...rest]);
    }
    default:
      return value as NixValue;
  }
}

/**
 * mkACI arguments of a spec (a resolved variant: `variants` is ignored, `params` are arguments of
 * the generated file, and `customIsolators` follow `isolators`). Call on a validated spec.
 */
export function toMkACIArgs(spec: ACISpec): MkACIArgs {
  const given = spec as unknown as Readonly<Record<string, unknown>>;
  return ownRecord(
    SPEC_ARGUMENTS.flatMap((field) => {
      const value =
        field.name === "isolators" && (spec.isolators !== undefined || spec.customIsolators !== undefined)
          ? [...(spec.isolators ?? []), ...(spec.customIsolators ?? [])]
          : given[field.name];
      return value === undefined ? [] : [[field.name, tidy(field.shape, value)] as const];
    }),
  );
}
