/**
 * Compiling the spec files of a run, in the background from `startCompiling` on: into one bundle
 * (./bundle.ts) as far as it serves them, the others one at a time (./transpile.ts).
 */
import { bundleSpecs, type BundleOutcome, type SpecBundle } from "./bundle.js";
import { startTranspiling, transpiled, type Outcome } from "./transpile.js";

/** How a spec file was compiled: served by a bundle, compiled alone, or not (jiti will say why). */
export type CompiledSpec = { readonly kind: "bundled"; readonly bundle: SpecBundle; readonly index: number } | Outcome | undefined;

/** Spec files being compiled, until `compiledSpec` hands them out, with the bundle they went to. */
const started = new Map<string, Promise<BundleOutcome>>();

/** Starts compiling these spec files (those not being compiled already) in the background. */
export function startCompiling(files: readonly string[]): void {
  const fresh = files.filter((file) => !started.has(file));
  if (fresh.length === 0) return;
  const bundle = bundleSpecs(fresh).then((outcome) => {
    startTranspiling(outcome.rest);
    return outcome;
  });
  for (const file of fresh) started.set(file, bundle);
}

/** Waits for a spec file to be compiled (starting now if it was not). */
export async function compiledSpec(file: string): Promise<CompiledSpec> {
  if (!started.has(file)) startCompiling([file]);
  const outcome = await started.get(file);
  started.delete(file);
  const index = outcome?.bundle?.index.get(file);
  if (outcome?.bundle !== undefined && index !== undefined) return { kind: "bundled", bundle: outcome.bundle, index };
  return transpiled(file);
}
