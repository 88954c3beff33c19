/**
 * The zod schema of a spec: every mkACI argument from the table (arguments/table.ts, through
 * arguments/zod.ts), the spec-only fields, and the standard isolators typed by name (a spec is
 * stricter there than mkACI, which takes any `{ name, value }`). Rules about several fields are
 * in rules.ts, which runs whatever zod found.
 */
import { z } from "zod";
import { isErrno, isQuantity, MSG } from "./appc-rules.js";
import { SPEC_ARGUMENTS, SPEC_ONLY_FIELDS } from "./arguments/table.js";
import { jsonValue, nonEmptyList, rule, ruledString, str, zodOf } from "./arguments/zod.js";
import type { CustomIsolator, Isolator, LinuxCapability } from "./isolator-types.js";
import type { ACISpec, ACIVariant } from "./types.js";

const nonEmpty = ruledString(["non-empty"]);

const quantity = z.union([z.string(), z.number()]).refine(isQuantity, rule("quantity", MSG.quantity));
const requestLimit = z
  .strictObject({ request: quantity.optional(), limit: quantity.optional(), default: z.literal(false).optional() })
  .readonly();
const defaultLimit = z.strictObject({ default: z.literal(true), limit: quantity.optional() }).readonly();
const capability = str.refine(
  (s) => /^CAP_[A-Z0-9_]+$/.test(s),
  rule("capability", "must be a capability name such as CAP_NET_ADMIN"),
) as unknown as z.ZodType<LinuxCapability, LinuxCapability>;
const capabilitySet = z.strictObject({ set: nonEmptyList(capability) }).readonly();
const seccompSet = z
  .strictObject({
    set: nonEmptyList(nonEmpty),
    errno: str.refine(isErrno, rule("errno", "must be an errno name such as EPERM (E, then upper case letters or digits)")).optional(),
  })
  .readonly();
const selinuxPart = (colon: boolean) =>
  nonEmpty.refine((s) => !colon || !s.includes(":"), rule("selinux", "must not contain ':'"));
const selinux = z
  .strictObject({ user: selinuxPart(true), role: selinuxPart(true), type: selinuxPart(true), level: selinuxPart(false) })
  .readonly();
const intIn = (min: number, max: number) => z.number().int().min(min).max(max);

const iso = <N extends string, V extends z.ZodType>(name: N, value: V) =>
  z.strictObject({ name: z.literal(name), value }).readonly();

export const isolator = z.discriminatedUnion("name", [
  iso("resource/cpu", requestLimit),
  iso("resource/memory", requestLimit),
  iso("resource/block-bandwidth", defaultLimit),
  iso("resource/block-iops", defaultLimit),
  iso("resource/network-bandwidth", defaultLimit),
  iso("os/linux/capabilities-retain-set", capabilitySet),
  iso("os/linux/capabilities-remove-set", capabilitySet),
  iso("os/linux/seccomp-retain-set", seccompSet),
  iso("os/linux/seccomp-remove-set", seccompSet),
  iso("os/linux/selinux-context", selinux),
  iso("os/linux/no-new-privileges", z.boolean()),
  iso("os/linux/oom-score-adj", intIn(-1000, 1000)),
  iso("os/linux/cpu-shares", intIn(2, 262144)),
  iso("os/unix/sysctl", z.record(nonEmpty, str).readonly()),
]) satisfies z.ZodType<Isolator>;

const customIsolator = z
  .strictObject({ name: ruledString(["ac-identifier"]), value: jsonValue })
  .readonly() satisfies z.ZodType<CustomIsolator>;

/** Spec fields whose schema is not the mkACI argument's. */
const specOverrides: Readonly<Record<string, z.ZodType>> = {
  isolators: z.array(isolator).readonly(),
  params: z.record(str, jsonValue).readonly(),
  customIsolators: z.array(customIsolator).readonly(),
  format: z.enum(["aci", "oci"]),
};

/** Every spec field but `variants`, in table order, each with its schema; `variants` reuse it. */
const specFields: Record<string, z.ZodType> = {};
for (const field of SPEC_ARGUMENTS) {
  const schema = specOverrides[field.name] ?? zodOf(field.shape);
  specFields[field.name] = field.default === undefined ? schema : schema.optional();
  for (const extra of SPEC_ONLY_FIELDS.filter((f) => f.after === field.name && f.name !== "variants")) {
    specFields[extra.name] = (specOverrides[extra.name] ?? jsonValue).optional();
  }
}

export const variantSchema = z.strictObject(specFields).partial().readonly() as unknown as z.ZodType<ACIVariant, ACIVariant>;

export const specSchema = z
  .strictObject({ ...specFields, variants: z.record(str, variantSchema).readonly().optional() })
  .readonly() as unknown as z.ZodType<ACISpec, ACISpec>;

/** Known top-level field names, in table order, for "did you mean" hints and problem order. */
export const SPEC_FIELD_NAMES: readonly string[] = [...Object.keys(specFields), "variants"];
