/** `defineACI`: the identity function that gives a spec module its types (no side effects). */
import type { ACISpec } from "./types.js";

/**
 * Declares one image. Returns `spec` unchanged, typed: the editor completes field names and
 * isolator shapes, and a misspelled field is a type error. Runtime rules are in `validateSpec`.
 *
 * A spec module default-exports one spec or an array of specs.
 */
export function defineACI(spec: ACISpec): ACISpec {
  return spec;
}

/** What a spec module may default-export. */
export type SpecModuleExport = ACISpec | readonly ACISpec[];
