/**
 * One file at a time, TypeScript/ESM → CommonJS with esbuild, for what the spec bundle
 * (./bundle.ts) does not take: modules that jiti loads (through `transpileForJiti`, its
 * `transform` hook) and spec files left out of the bundle (`startTranspiling`, in the background).
 *
 * Whatever esbuild cannot turn into the CommonJS that jiti's babel transform makes is left to
 * babel: top-level await, `import.meta`, `import()`, anything esbuild warns about, and everything
 * when the esbuild binary is missing or broken.
 */
import { readFileSync } from "node:fs";
import type { TransformOptions } from "esbuild";
import {
  callEsbuild,
  failureMessages,
  isOutputFormatLimit,
  loadEsbuild,
  loadedEsbuild,
  needsBabel,
  NeedsAsyncImport,
  strict,
  syntaxError,
  target,
  tsconfigRaw,
  type Esbuild,
  type SpecSyntaxError,
} from "./esbuild.js";

/**
 * What became of one source: CommonJS code, a syntax error, or a case for babel (`async`: one
 * that only loads when imported asynchronously, top-level await).
 */
export type Outcome =
  | { readonly kind: "code"; readonly code: string }
  | { readonly kind: "syntax-error"; readonly error: SpecSyntaxError }
  | { readonly kind: "babel"; readonly async?: true };

interface Done {
  readonly source: string;
  readonly outcome: Outcome;
}

interface Job {
  started: boolean;
  readonly start: () => void;
  /** The outcome, or undefined when the file could not be read. */
  readonly settled: Promise<Outcome | undefined>;
}

/** Results by file, kept while the source is unchanged (helpers imported by many specs). */
const done = new Map<string, Done>();
/** The latest job of each file handed to `startTranspiling` (a replaced job is never waited for). */
const jobs = new Map<string, Job>();
/** Files to send to esbuild, in the order they will be loaded (some may have been sent already). */
const waiting: string[] = [];
let inFlight = 0;
/**
 * How many files are sent to esbuild at once. esbuild works on all it was sent together, so the
 * file loaded next arrives sooner when few are in flight, and some more keep esbuild busy.
 */
const window = 16;

/**
 * Queues these files for compiling in the background, in this order (the source each has now);
 * `transpiled` then waits for one of them.
 */
export function startTranspiling(files: readonly string[]): void {
  for (const file of files) {
    let finish = (_outcome: Outcome | undefined): void => {};
    const job: Job = {
      started: false,
      start: () => {
        if (job.started) return;
        job.started = true;
        inFlight++;
        const settle = (outcome: Outcome | undefined): void => {
          inFlight--;
          finish(outcome);
          pump();
        };
        compileFile(file).then(settle, () => settle(undefined));
      },
      settled: new Promise<Outcome | undefined>((resolve) => (finish = resolve)),
    };
    jobs.set(file, job);
    waiting.push(file);
  }
  void loadEsbuild().then(pump);
}

function pump(): void {
  while (inFlight < window && waiting.length > 0) jobs.get(waiting.shift() as string)?.start();
}

async function compileFile(file: string): Promise<Outcome | undefined> {
  const esbuild = await loadEsbuild();
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch {
    return undefined; // unreadable: jiti reports it when it reads the file itself
  }
  const outcome: Outcome = esbuild === undefined ? { kind: "babel" } : await compile(esbuild, source, file);
  done.set(file, { source, outcome });
  return outcome;
}

/**
 * Waits until a file passed to `startTranspiling` is compiled (sending it now if not sent yet);
 * its outcome, or undefined when it was not queued or could not be read (jiti will say why).
 */
export async function transpiled(file: string): Promise<Outcome | undefined> {
  const job = jobs.get(file);
  if (job === undefined) return undefined;
  if (!job.started) {
    await loadEsbuild();
    job.start();
  }
  const outcome = await job.settled;
  if (jobs.get(file) === job) jobs.delete(file);
  return outcome;
}

/**
 * jiti's `transform` hook: CommonJS code for `source`, from the background job when it compiled
 * this very source, else compiled now. A syntax error is thrown as a SpecSyntaxError; a module
 * with top-level await that jiti requires synchronously (`async` false) as NeedsAsyncImport.
 */
export function transpileForJiti(source: string, filename: string, async: boolean, babelFallback: () => string): string {
  let outcome = done.get(filename)?.source === source ? done.get(filename)?.outcome : undefined;
  if (outcome === undefined) {
    const esbuild = loadedEsbuild();
    outcome = esbuild === undefined ? { kind: "babel" } : compileSync(esbuild, source, filename);
    done.set(filename, { source, outcome });
  }
  switch (outcome.kind) {
    case "code":
      return outcome.code;
    case "syntax-error":
      throw outcome.error;
    case "babel":
      if (outcome.async === true && !async) throw new NeedsAsyncImport(filename);
      return babelFallback();
  }
}

function options(file: string): TransformOptions {
  return {
    loader: /\.[cm]?tsx$/.test(file) ? "tsx" : /\.[cm]?ts$/.test(file) ? "ts" : "js",
    format: "cjs",
    sourcefile: file,
    target,
    tsconfigRaw,
    logLevel: "silent",
  };
}

async function compile(esbuild: Esbuild, source: string, file: string): Promise<Outcome> {
  if (needsBabel.test(source)) return { kind: "babel" };
  try {
    const result = await callEsbuild(() => esbuild.transform(source, options(file)));
    return result.warnings.length > 0 ? { kind: "babel" } : { kind: "code", code: strict(result.code) };
  } catch (error) {
    return failure(error, file);
  }
}

function compileSync(esbuild: Esbuild, source: string, file: string): Outcome {
  if (needsBabel.test(source)) return { kind: "babel" };
  try {
    const result = callEsbuild(() => esbuild.transformSync(source, options(file)));
    return result.warnings.length > 0 ? { kind: "babel" } : { kind: "code", code: strict(result.code) };
  } catch (error) {
    return failure(error, file);
  }
}

/** A parse error becomes a SpecSyntaxError; anything else goes to babel, which decides. */
function failure(error: unknown, file: string): Outcome {
  const first = failureMessages(error)?.[0];
  if (first !== undefined && isOutputFormatLimit(first)) return { kind: "babel", async: true };
  const syntax = first === undefined ? undefined : syntaxError(first, file);
  return syntax === undefined ? { kind: "babel" } : { kind: "syntax-error", error: syntax };
}
