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
import { readFileSync } from "node:fs";
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

interface Job {
  started: boolean;
  readonly start: () => void;
  readonly settled: Promise<void>;
}

let esbuildLoad: Promise<Esbuild | undefined> | undefined;
let esbuildSync: Esbuild | undefined;
/** Cleared when esbuild fails for a reason other than the source (its binary missing or broken). */
let esbuildWorks = true;
/** Results by file, kept while the source is unchanged (helpers imported by many specs). */
const done = new Map<string, Done>();
/** Files handed to `startTranspiling`, by file: settles when its result is in `done`. */
const jobs = new Map<string, Job>();
/** Files to send to esbuild, in the order they will be loaded (some may have been sent already). */
const waiting: string[] = [];
let inFlight = 0;
let sent = 0;
/**
 * How many files are sent to esbuild at once. esbuild works on all it was sent together, so the
 * file loaded next arrives sooner when few are in flight; but before the first spec loads, this
 * process spends ~0.3 s loading its own modules without a chance to send more, so the first
 * files go all at once.
 */
const window = 16;
const firstBatch = 256;

function loadEsbuild(): Promise<Esbuild | undefined> {
  esbuildLoad ??= import("esbuild").then(
    (module) => (esbuildSync = module),
    () => undefined,
  );
  return esbuildLoad;
}

/**
 * Queues these files for compiling in the background, in this order; `transpiled` then waits for
 * one of them. Files not queued (modules that specs import) are compiled synchronously when jiti
 * asks.
 */
export function startTranspiling(files: readonly string[]): void {
  if (waiting.length === 0 && inFlight === 0) sent = 0;
  for (const file of files) {
    if (jobs.has(file)) continue;
    let finish = (): void => {};
    const job: Job = {
      started: false,
      start: () => {
        if (job.started) return;
        job.started = true;
        inFlight++;
        sent++;
        const settle = (): void => {
          inFlight--;
          finish();
          pump();
        };
        compileFile(file).then(settle, settle);
      },
      settled: new Promise<void>((resolve) => (finish = resolve)),
    };
    jobs.set(file, job);
    waiting.push(file);
  }
  void loadEsbuild().then(pump);
}

function pump(): void {
  if (esbuildLoad === undefined) return;
  while ((inFlight < window || sent < firstBatch) && waiting.length > 0) jobs.get(waiting.shift() as string)?.start();
}

async function compileFile(file: string): Promise<void> {
  const esbuild = await loadEsbuild();
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch {
    return; // unreadable: jiti reports it when it reads the file itself
  }
  done.set(file, { source, outcome: esbuild === undefined ? { kind: "babel" } : await compile(esbuild, source, file) });
}

/** Waits until a file passed to `startTranspiling` is compiled (or failed to be); sends it now if not yet sent. */
export async function transpiled(file: string): Promise<void> {
  const job = jobs.get(file);
  if (job === undefined) return;
  if (!job.started) {
    await loadEsbuild();
    job.start();
  }
  await job.settled;
  jobs.delete(file);
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

let serviceStarted = false;

/**
 * Runs `call`, the first call to esbuild, which starts its service (a Go program) with this
 * process's environment: with GOGC=400 rather than Go's default 100 it spends ~25% less CPU on
 * many small files (measured: 1000 specs, 1.0 s → 0.75 s). A GOGC the user set is kept.
 */
function withLessGoGC<T>(call: () => T): T {
  if (serviceStarted || process.env["GOGC"] !== undefined) return call();
  serviceStarted = true;
  process.env["GOGC"] = "400";
  try {
    return call();
  } finally {
    delete process.env["GOGC"];
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
  if (!esbuildWorks || needsBabel.test(source)) return { kind: "babel" };
  try {
    const result = await withLessGoGC(() => esbuild.transform(source, options(file)));
    return result.warnings.length > 0 ? { kind: "babel" } : { kind: "code", code: result.code };
  } catch (error) {
    return failure(error, file);
  }
}

function compileSync(esbuild: Esbuild, source: string, file: string): Outcome {
  if (!esbuildWorks || needsBabel.test(source)) return { kind: "babel" };
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
  if (first === undefined || location === null || location === undefined) {
    esbuildWorks = false;
    return { kind: "babel" };
  }
  if (/output format/.test(first.text)) return { kind: "babel" };
  // esbuild counts columns in UTF-8 bytes; editors and babel (jiti's messages until now) in UTF-16 units.
  const column = Buffer.from(location.lineText, "utf8").subarray(0, location.column).toString("utf8").length;
  return { kind: "syntax-error", error: new SpecSyntaxError(file, location.line, column, first.text) };
}
