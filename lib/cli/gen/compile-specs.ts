/**
 * Compiling the spec files of one run, in the background from `startCompiling` on: into one
 * bundle (./bundle.ts) as far as it serves them, the others one at a time (./transpile.ts).
 */
import { bundleSpecs, type BundleOutcome, type SpecBundle } from "./bundle.js";
import { startTranspiling, transpiled, type Outcome } from "./transpile.js";

/** How a spec file was compiled: served by a bundle, compiled alone, or not (jiti will say why). */
export type CompiledSpec = { readonly kind: "bundled"; readonly bundle: SpecBundle; readonly index: number } | Outcome | undefined;

/** The spec files of a run being compiled. */
export interface SpecCompilation {
  /** Waits for a spec file to be compiled; undefined for one not given to `startCompiling`. */
  compiled(file: string): Promise<CompiledSpec>;
}

/** Starts compiling these spec files in the background (the source each has now). */
export function startCompiling(files: readonly string[]): SpecCompilation {
  const outcome: Promise<BundleOutcome> = bundleSpecs(files)
    .catch((): BundleOutcome => ({ bundle: undefined, rest: files }))
    .then((bundled) => {
      startTranspiling(bundled.rest);
      return bundled;
    });
  const alone = outcome.then(({ rest }) => new Set(rest));
  return {
    async compiled(file) {
      const { bundle } = await outcome;
      const index = bundle?.index.get(file);
      if (bundle !== undefined && index !== undefined) return { kind: "bundled", bundle, index };
      return (await alone).has(file) ? transpiled(file) : undefined;
    },
  };
}
