/** Variants: named partial overrides of a spec, resolved into full specs. */
import { NIX_IDENTIFIER, NIX_KEYWORDS } from "./appc-rules.js";
import { MERGED_FIELDS } from "./arguments/table.js";
import type { ACISpec } from "./types.js";

export { MERGED_FIELDS };

/**
 * The spec as variant `variantName` sees it: the variant's fields over the base, records in
 * {@link MERGED_FIELDS} merged by key; no `variants` field. Without a name: the base itself.
 * Throws if the variant does not exist.
 */
export function resolveVariant(spec: ACISpec, variantName?: string): ACISpec {
  const { variants, ...base } = spec;
  if (variantName === undefined) return base;
  const variant = variants !== undefined && Object.hasOwn(variants, variantName) ? variants[variantName] : undefined;
  if (variant === undefined) {
    const known = Object.keys(variants ?? {});
    throw new Error(
      `${spec.name}: no variant ${JSON.stringify(variantName)} (variants: ${known.length === 0 ? "none" : known.join(", ")})`,
    );
  }
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(variant)) {
    if (value === undefined) continue;
    const old = merged[key];
    // Spread copies own keys as data (a `__proto__` key included); Object.assign would not.
    merged[key] = MERGED_FIELDS.includes(key) && typeof old === "object" && old !== null ? { ...old, ...(value as object) } : value;
  }
  return merged as unknown as ACISpec;
}

/**
 * The Nix attribute name of a spec in a generated default.nix: the last `/` part of its name,
 * with characters Nix identifiers cannot hold (`.`, `~`) turned into `-`, and `_` in front of a
 * leading digit or a keyword. Variant names must differ from it.
 */
export function specAttrName(name: string): string {
  const last = name.slice(name.lastIndexOf("/") + 1).replace(/[^A-Za-z0-9_'-]/g, "-");
  return /^[0-9'-]/.test(last) || NIX_KEYWORDS.has(last) || last === "" ? `_${last}` : last;
}

/** True for names usable as Nix attribute and argument names without quoting. */
export function isNixIdentifier(name: string): boolean {
  return NIX_IDENTIFIER.test(name) && !NIX_KEYWORDS.has(name);
}
