/**
 * TypeScript/ESM → CommonJS for jiti, with esbuild (a native binary, one child process for the
 * whole run) instead of jiti's own babel transform, which cost ~10 ms of CPU per spec file.
 * Spec files are sent to esbuild all at once (`startTranspiling`), so esbuild compiles them on the
 * second core while this process evaluates the ones already done.
 *
 * Whatever esbuild cannot turn into the same CommonJS that jiti's babel transform makes is left
 * to babel (`babelFallback`): top-level await, `import.meta`, dynamic `import()` (jiti maps it to
 * its own async import), and any other esbuild warning; also everything when the esbuild binary is
 * missing (an install with optional dependencies left out).
 */
import { readFile } from "node:fs/promises";
import type { Message, TransformFailure, TransformOptions as EsbuildOptions } from "esbuild";

type Esbuild = typeof import("esbuild");

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

/** What became of one source: CommonJS code, a syntax error, or a case for babel. */
type Outcome =
  | { readonly kind: "code"; readonly code: string }
  | { readonly kind: "syntax-error"; readonly error: SpecSyntaxError }
  | { readonly kind: "babel" };

interface Done {
  readonly source: string;
  readonly outcome: Outcome;
}

/** Sources that esbuild's CommonJS output would not run like jiti's own transform does. */
const needsBabel = /\bimport\s*\(|\bimport\s*\.\s*meta\b/;

let esbuildLoad: Promise<Esbuild | undefined> | undefined;
let esbuildSync: Esbuild | undefined;
/** Results by file, kept while the source is unchanged (helpers imported by many specs). */
const done = new Map<string, Done>();
const pending = new Map<string, Promise<void>>();

function loadEsbuild(): Promise<Esbuild | undefined> {
  esbuildLoad ??= import("esbuild").then(
    (module) => (esbuildSync = module),
    () => undefined,
  );
  return esbuildLoad;
}

/**
 * Starts compiling these files in the background; `transpiled` then waits for one of them. Files
 * not started here (modules that specs import) are compiled synchronously when jiti asks.
 */
export function startTranspiling(files: readonly string[]): void {
  const esbuild = loadEsbuild();
  for (const file of files) {
    if (pending.has(file)) continue;
    const job = Promise.all([esbuild, readFile(file, "utf8")]).then(
      async ([module, source]) => {
        const outcome = module === undefined ? ({ kind: "babel" } as const) : await compile(module, source, file);
        done.set(file, { source, outcome });
      },
      () => undefined, // unreadable: jiti reports it when it reads the file itself
    );
    pending.set(file, job);
  }
}

/** Waits until a file passed to `startTranspiling` is compiled (or failed to be). */
export async function transpiled(file: string): Promise<void> {
  await pending.get(file);
  pending.delete(file);
}

/**
 * jiti's `transform` hook: CommonJS code for `source`, from the background job when it compiled
 * this very source, else compiled now. A syntax error is thrown as a SpecSyntaxError.
 */
export function transpileForJiti(source: string, filename: string, babelFallback: () => string): string {
  let outcome = done.get(filename)?.source === source ? done.get(filename)?.outcome : undefined;
  if (outcome === undefined) {
    outcome = esbuildSync === undefined ? { kind: "babel" } : compileSync(esbuildSync, source, filename);
    done.set(filename, { source, outcome });
  }
  switch (outcome.kind) {
    case "code":
      return outcome.code;
    case "syntax-error":
      throw outcome.error;
    case "babel":
      return babelFallback();
  }
}

function options(file: string): EsbuildOptions {
  return {
    loader: /\.[cm]?tsx$/.test(file) ? "tsx" : /\.[cm]?ts$/.test(file) ? "ts" : "js",
    format: "cjs",
    sourcefile: file,
    // Lower only what this Node cannot parse.
    target: `node${process.versions.node}`,
    logLevel: "silent",
  };
}

async function compile(esbuild: Esbuild, source: string, file: string): Promise<Outcome> {
  if (needsBabel.test(source)) return { kind: "babel" };
  try {
    const result = await esbuild.transform(source, options(file));
    return result.warnings.length > 0 ? { kind: "babel" } : { kind: "code", code: result.code };
  } catch (error) {
    return failure(error, file);
  }
}

function compileSync(esbuild: Esbuild, source: string, file: string): Outcome {
  if (needsBabel.test(source)) return { kind: "babel" };
  try {
    const result = esbuild.transformSync(source, options(file));
    return result.warnings.length > 0 ? { kind: "babel" } : { kind: "code", code: result.code };
  } catch (error) {
    return failure(error, file);
  }
}

/**
 * A parse error in the source becomes a SpecSyntaxError; anything else (what CommonJS output cannot
 * express, such as top-level await; a missing esbuild binary) goes to babel, which decides.
 */
function failure(error: unknown, file: string): Outcome {
  const first: Message | undefined = (error as Partial<TransformFailure>).errors?.[0];
  const location = first?.location;
  if (first === undefined || location === null || location === undefined || /output format/.test(first.text)) return { kind: "babel" };
  // esbuild counts columns in UTF-8 bytes; editors and babel (jiti's messages until now) in UTF-16 units.
  const column = Buffer.from(location.lineText, "utf8").subarray(0, location.column).toString("utf8").length;
  return { kind: "syntax-error", error: new SpecSyntaxError(file, location.line, column, first.text) };
}
