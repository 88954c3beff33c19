/**
 * The zod schema of one table shape, as the spec side sees it: the value's type and its named
 * string rules, each refinement carrying the rule id (read back by zod-problems.ts). Rules about
 * lists as a whole (unique, first item), JSON data and several fields are in rules.ts, which runs
 * on the raw input whatever zod found.
 */
import { z } from "zod";
import { hasLoneSurrogate, hasNul, MSG } from "../appc-rules.js";
import { isPackageRef, type PackageRef } from "../dsl.js";
import type { JsonValue } from "../json.js";
import type { Shape } from "./shape.js";
import { passes, STRING_RULES, type StringRuleId } from "./string-rules.js";

/** A refinement that carries our rule id. */
export const rule = (id: string, message: string) => ({ message, params: { rule: id } });

/** Every string of a spec: no NUL, no lone surrogate (Nix could not hold it). */
export const str = z
  .string()
  .refine((s) => !hasNul(s), rule("no-nul", MSG.noNul))
  .refine((s) => !hasLoneSurrogate(s), rule("unicode", MSG.unicode));

export function ruledString(rules: readonly StringRuleId[]): z.ZodType<string, string> {
  let schema: z.ZodType<string, string> = str;
  for (const id of rules) schema = schema.refine((s) => passes(id, s), rule(id, STRING_RULES[id].message));
  return schema;
}

/** JSON-like data; checked by rules.ts, which reports exact paths. */
export const jsonValue = z.custom<JsonValue>(() => true);

export const packageRef = z.custom<PackageRef>(
  isPackageRef,
  rule("package-ref", "must be a package reference: pkgs.…, attrPath(…), when(…) or rawNix(…)"),
);

/** `readonly [T, ...T[]]` */
export const nonEmptyList = <T extends z.ZodType>(item: T) => z.tuple([item], item).readonly();

/** The schema of a value of `shape`. */
export function zodOf(shape: Shape): z.ZodType {
  switch (shape.kind) {
    case "string":
      return ruledString(shape.rules);
    case "bool":
      return z.boolean();
    case "int":
      return z.number().int().min(shape.min).max(shape.max);
    case "enum":
      return z.enum(shape.values as [string, ...string[]]);
    case "list": {
      const item = zodOf(shape.of);
      return shape.nonEmpty ? nonEmptyList(item) : z.array(item).readonly();
    }
    case "strings":
      return z.record(ruledString(shape.keys), str).readonly();
    case "record": {
      const fields: Record<string, z.ZodType> = {};
      for (const field of shape.fields) {
        const schema = zodOf(field.shape);
        fields[field.name] = field.default === undefined ? schema : schema.optional();
      }
      return z.strictObject(fields).readonly();
    }
    case "package":
      return packageRef;
    case "json":
      return jsonValue;
  }
}
