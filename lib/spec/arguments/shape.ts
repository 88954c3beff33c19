/**
 * The language of the argument table (table.ts): what shape a value has and which named rules it
 * must pass. Plain data, so that one table can be read by the TypeScript validator (zod.ts,
 * rules.ts), printed into nix/lib/arguments.nix for mkACI's own checks (nix/lib/check.nix reads
 * the same shapes), and rendered as types and documentation (scripts/generate-arguments.ts).
 */
import type { JsonValue } from "../json.js";
import type { StringRuleId } from "./string-rules.js";

/** A string that must pass every named rule of string-rules.ts. */
export interface StringShape {
  readonly kind: "string";
  readonly rules: readonly StringRuleId[];
}
export interface BoolShape {
  readonly kind: "bool";
}
/** An integer from `min` to `max` (both within JavaScript's safe integers, so both sides agree). */
export interface IntShape {
  readonly kind: "int";
  readonly min: number;
  readonly max: number;
}
/** One of a few strings; `typeName` names the TypeScript union. */
export interface EnumShape {
  readonly kind: "enum";
  readonly typeName: string;
  readonly doc: string;
  readonly values: readonly string[];
}
/** A list; `unique` names record fields no two items may share, `first` rules for item 0. */
export interface ListShape {
  readonly kind: "list";
  readonly of: Shape;
  readonly nonEmpty: boolean;
  readonly unique: readonly string[];
  readonly first: readonly StringRuleId[];
}
/** A well-known key of a strings map, listed for completion and docs (and with its own rules). */
export interface KnownKey {
  readonly name: string;
  readonly doc: string;
  /** Rules only the generator checks (see GENERATOR_ONLY in table.ts). */
  readonly specRules: readonly ("rfc3339" | "url")[];
}
/** A map from names to strings (a Nix attribute set of strings, a JS record). */
export interface StringsShape {
  readonly kind: "strings";
  readonly keys: readonly StringRuleId[];
  readonly known: readonly KnownKey[];
  /** When `known` is not empty: the name of the TypeScript interface. */
  readonly typeName?: string;
  readonly doc?: string;
}
/** A record with known fields; anything else is an unknown field. */
export interface RecordShape {
  readonly kind: "record";
  readonly typeName: string;
  readonly doc: string;
  readonly fields: readonly Field[];
}
/** A package: a derivation in Nix, a package reference (`pkgs.x`) in a spec. */
export interface PackageShape {
  readonly kind: "package";
}
/** Data that goes to the manifest as JSON (isolator values). */
export interface JsonShape {
  readonly kind: "json";
}

export type Shape = StringShape | BoolShape | IntShape | EnumShape | ListShape | StringsShape | RecordShape | PackageShape | JsonShape;

/** What an argument or field is when it is not given. */
export type Default =
  /** This value. */
  | { readonly kind: "value"; readonly value: JsonValue }
  /** Computed by mkACI (the version of packages[0], os/arch of the system). */
  | { readonly kind: "computed"; readonly doc: string }
  /** Nothing: left out of the manifest. */
  | { readonly kind: "absent" };

/** One argument of mkACI, or one field of a record argument. */
export interface Field {
  readonly name: string;
  readonly shape: Shape;
  /** Absent: required. */
  readonly default?: Default;
  /** One line for the docs, the types' comments and the comment above mkACI's formal. */
  readonly doc: string;
  /** Where it goes in the appc manifest (or the image), for docs/mkaci-arguments.md. */
  readonly becomes?: string;
  /**
   * How it maps to an OCI image (for mkOCI, which takes the same arguments). Free text for the
   * docs; an entry without it gets no OCI note.
   */
  readonly oci?: string;
  /** Set by the generator, not written in specs (a variant's name): no spec field. */
  readonly generated?: true;
}

export const shape = {
  string: (...rules: StringRuleId[]): StringShape => ({ kind: "string", rules }),
  bool: (): BoolShape => ({ kind: "bool" }),
  int: (min: number, max: number): IntShape => ({ kind: "int", min, max }),
  enumOf: (typeName: string, doc: string, values: readonly string[]): EnumShape => ({ kind: "enum", typeName, doc, values }),
  list: (of: Shape, options: { nonEmpty?: boolean; unique?: readonly string[]; first?: readonly StringRuleId[] } = {}): ListShape => ({
    kind: "list",
    of,
    nonEmpty: options.nonEmpty ?? false,
    unique: options.unique ?? [],
    first: options.first ?? [],
  }),
  strings: (keys: readonly StringRuleId[], known: readonly KnownKey[] = [], names: { typeName: string; doc: string } | undefined = undefined): StringsShape => ({
    kind: "strings",
    keys,
    known,
    ...names,
  }),
  record: (typeName: string, doc: string, fields: readonly Field[]): RecordShape => ({ kind: "record", typeName, doc, fields }),
  package: (): PackageShape => ({ kind: "package" }),
  json: (): JsonShape => ({ kind: "json" }),
};

export const dflt = {
  value: (value: JsonValue): Default => ({ kind: "value", value }),
  computed: (doc: string): Default => ({ kind: "computed", doc }),
  absent: { kind: "absent" } as Default,
};

/** Every record shape reachable from `fields`, outermost first, each once. */
export function recordShapes(fields: readonly Field[]): RecordShape[] {
  const out: RecordShape[] = [];
  const visit = (s: Shape): void => {
    if (s.kind === "list") visit(s.of);
    else if (s.kind === "record" && !out.includes(s)) {
      out.push(s);
      for (const f of s.fields) visit(f.shape);
    }
  };
  for (const f of fields) visit(f.shape);
  return out;
}
