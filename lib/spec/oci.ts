/**
 * Specs that give OCI images (`format: "oci"`, on the spec or a variant): which of their images
 * are OCI, and the appc fields OCI runtimes ignore (mkOCI keeps them in `nix2aci.appc.*` labels,
 * docs/oci.md), for the generator's one warning per spec.
 */
import type { ACISpec } from "./types.js";
import { resolveVariant, specAttrName } from "./variants.js";

/** A spec's OCI images: the Nix attribute name of each and the spec it builds. */
export function ociImages(spec: ACISpec): { readonly attr: string; readonly spec: ACISpec }[] {
  const images = spec.format === "oci" ? [{ attr: specAttrName(spec.name), spec: resolveVariant(spec) }] : [];
  for (const name of Object.keys(spec.variants ?? {})) {
    const variant = resolveVariant(spec, name);
    if (variant.format === "oci") images.push({ attr: name, spec: variant });
  }
  return images;
}

/** The fields of `spec` (resolved, no variants) that an OCI runtime does not apply. */
export function ociIgnoredFields(spec: ACISpec): string[] {
  const ignored: string[] = [];
  if ((spec.isolators?.length ?? 0) + (spec.customIsolators?.length ?? 0) > 0) ignored.push("isolators");
  if ((spec.eventHandlers?.length ?? 0) > 0) ignored.push("eventHandlers");
  if ((spec.supplementaryGIDs?.length ?? 0) > 0) ignored.push("supplementaryGIDs");
  if (spec.mountPoints?.some((m) => m.readOnly === true) === true) ignored.push("mountPoints[].readOnly");
  if (spec.ports?.some((p) => p.socketActivated === true) === true) ignored.push("ports[].socketActivated");
  if ((spec.dependencies?.length ?? 0) > 0) ignored.push("dependencies");
  if ((spec.pathWhitelist?.length ?? 0) > 0) ignored.push("pathWhitelist");
  return ignored;
}

/** One line about the fields OCI runtimes ignore in a spec's OCI images, or undefined. */
export function ociWarning(spec: ACISpec): string | undefined {
  const images = ociImages(spec);
  const fields = new Set(images.flatMap((image) => ociIgnoredFields(image.spec)));
  if (fields.size === 0) return undefined;
  return `OCI runtimes ignore ${[...fields].join(", ")} in ${images.map((i) => i.attr).join(", ")} (kept as nix2aci.appc.* labels; docs/oci.md)`;
}
