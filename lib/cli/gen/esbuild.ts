/**
 * esbuild, as nix2aci-gen uses it to compile spec files: loaded on first use (a missing or broken
 * binary means jiti's babel transform does the work instead), its service started with a GOGC
 * that suits many small files, its parse errors turned into SpecSyntaxErrors.
 */
import type { Message } from "esbuild";

export type Esbuild = typeof import("esbuild");

/** A spec module's source has a syntax error: where, as line (1-based) and column (0-based, UTF-16 units). */
export class SpecSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = "SpecSyntaxError";
  }
}

/**
 * A module with top-level await was required synchronously (by CommonJS that esbuild made): only
 * jiti's babel transform, importing asynchronously from the spec down, can load it.
 */
export class NeedsAsyncImport extends Error {
  constructor(readonly file: string) {
    super(`${file} uses top-level await`);
    this.name = "NeedsAsyncImport";
  }
}

/** esbuild's refusal of top-level await (or anything else CommonJS output cannot express). */
export function isOutputFormatLimit(message: Message): boolean {
  return /output format/.test(message.text);
}

/**
 * Sources that esbuild's CommonJS would not run like jiti's babel transform does: `import.meta`
 * (empty in CommonJS) and `import()` (jiti maps it to its own async import).
 */
export const needsBabel = /\bimport\s*\(|\bimport\s*\.\s*meta\b/;

/** Lower only what this Node cannot parse. */
export const target = `node${process.versions.node}`;

/**
 * TypeScript settings for every file, whatever a tsconfig.json near it says, as jiti's babel
 * transform did: decorators are TypeScript's "experimental" (legacy) ones.
 */
export const tsconfigRaw = { compilerOptions: { experimentalDecorators: true } };

let loading: Promise<Esbuild | undefined> | undefined;
let loaded: Esbuild | undefined;
/** Cleared when esbuild fails for a reason other than the source (its binary missing or broken). */
let works = true;
let serviceStarted = false;

/** esbuild, or undefined when it cannot be loaded or has failed by itself. */
export async function loadEsbuild(): Promise<Esbuild | undefined> {
  loading ??= import("esbuild").then(
    (module) => (loaded = module),
    () => undefined,
  );
  const module = await loading;
  return works ? module : undefined;
}

/** esbuild if `loadEsbuild` has loaded it (for jiti's synchronous transform hook). */
export function loadedEsbuild(): Esbuild | undefined {
  return works ? loaded : undefined;
}

/**
 * Runs `call` to esbuild. The first call starts its service (a Go program) with this process's
 * environment: with GOGC=400 rather than Go's default 100 it spends ~25% less CPU on many small
 * files (measured on 1000 spec files). A GOGC the user set is kept.
 */
export function callEsbuild<T>(call: () => T): T {
  if (serviceStarted || process.env["GOGC"] !== undefined) return call();
  serviceStarted = true;
  process.env["GOGC"] = "400";
  try {
    return call();
  } finally {
    delete process.env["GOGC"];
  }
}

/**
 * esbuild's messages about the input from a failed call; undefined if esbuild failed by itself
 * (its service could not start or stopped), which also stops its use for the rest of the run.
 */
export function failureMessages(error: unknown): readonly Message[] | undefined {
  const errors = (error as { errors?: Message[] }).errors;
  if (Array.isArray(errors) && errors.length > 0) return errors;
  works = false;
  return undefined;
}

/**
 * The SpecSyntaxError for an esbuild error in `file`, or undefined when the error is about what
 * CommonJS output cannot express (top-level await), which babel handles.
 */
export function syntaxError(message: Message, file: string): SpecSyntaxError | undefined {
  const location = message.location;
  if (location === null || isOutputFormatLimit(message)) return undefined;
  // esbuild counts columns in UTF-8 bytes; editors and babel (jiti's messages until now) in UTF-16 units.
  const column = Buffer.from(location.lineText, "utf8").subarray(0, location.column).toString("utf8").length;
  return new SpecSyntaxError(file, location.line, column, message.text);
}

/**
 * Strict mode, as the ES module the source was (and as babel's output has it), on the same line
 * so that line numbers stay those of esbuild's output; a `#!` line becomes a comment.
 */
export function strict(code: string): string {
  return `"use strict";${code.startsWith("#!") ? "//" : ""}${code}`;
}
