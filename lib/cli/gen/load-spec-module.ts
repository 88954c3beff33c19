import { createRequire, isBuiltin } from "node:module";
import { createJiti, type Jiti, type JitiOptions, type TransformOptions } from "jiti";
import * as nix2aci from "../../index.js";
import type { SpecBundle } from "./bundle.js";
import { startCompiling, type SpecCompilation } from "./compile-specs.js";
import { NeedsAsyncImport, SpecSyntaxError } from "./esbuild.js";
import { evaluateCommonJS, type Require } from "./evaluate.js";
import { transpileForJiti } from "./transpile.js";

/** The outcome of loading one spec module: its default export, or why there is none. */
export type LoadedModule =
  | { readonly ok: true; readonly exported: unknown }
  | { readonly ok: false; readonly message: string; readonly error: unknown };

const sharedOptions: JitiOptions = {
  virtualModules: { nix2aci },
  interopDefault: false,
  // A spec edited between two runs in one process (tests, watch scripts) must be re-read.
  moduleCache: false,
};

let babelLoader: Jiti | undefined;
/** jiti with its own babel transform, as nix2aci-gen loaded every spec before esbuild. */
const babel = (): Jiti => (babelLoader ??= createJiti(import.meta.url, sharedOptions));

/**
 * jiti, compiling with esbuild (./transpile.ts). Its file cache is off: esbuild compiles a file
 * faster than jiti reads and checks a cached copy, and nothing is left in /tmp. jiti's own babel
 * transform, with its cache, remains for what esbuild leaves to it.
 */
const loaderOptions: JitiOptions = {
  ...sharedOptions,
  fsCache: false,
  transform: (options: TransformOptions) => ({
    code: transpileForJiti(options.source, options.filename ?? "", options.async === true, () => babel().transform(options)),
  }),
};

let loader: Jiti | undefined;
const nodeRequire = createRequire(import.meta.url);

/**
 * Loads a spec module (TypeScript or JavaScript) without a build step. `import … from "nix2aci"`
 * in the spec resolves to the very module instance this CLI runs on (a jiti virtual module, or
 * the `require` given to esbuild's output), so spec values made by `defineACI`/`pkgs`/`param` are
 * the ones lib/render understands, in the repository (sources) and in an installed package
 * (dist/) alike. `compilation` should hold the file (see startCompiling), else it is compiled now.
 */
export async function loadSpecModule(absolutePath: string, compilation: SpecCompilation = startCompiling([absolutePath])): Promise<LoadedModule> {
  const compiled = await compilation.compiled(absolutePath);
  let namespace: unknown;
  try {
    if (compiled?.kind === "syntax-error") throw compiled.error;
    if (compiled?.kind === "bundled") namespace = runBundled(compiled.bundle, compiled.index);
    else if (compiled?.kind === "code") namespace = evaluateCommonJS(compiled.code, absolutePath, requireFrom(absolutePath));
    // Left to babel, or not read: jiti does it all, and says what went wrong.
    else namespace = await (loader ??= createJiti(import.meta.url, loaderOptions)).import(absolutePath);
  } catch (error) {
    if (!(error instanceof NeedsAsyncImport)) return { ok: false, message: describeLoadError(error, absolutePath), error };
    // A module it imports has top-level await: all of it through babel, asynchronously.
    try {
      namespace = await babel().import(absolutePath);
    } catch (babelError) {
      return { ok: false, message: describeLoadError(babelError, absolutePath), error: babelError };
    }
  }
  if (typeof namespace !== "object" || namespace === null || !("default" in namespace) || namespace.default === undefined) {
    return { ok: false, error: undefined, message: "no default export (export default defineACI({ … }) or a list of specs)" };
  }
  return { ok: true, exported: namespace.default };
}

/** Each bundle's module loaders, once it has run. */
const bundleModules = new WeakMap<SpecBundle, readonly unknown[]>();

function runBundled(bundle: SpecBundle, index: number): unknown {
  let modules = bundleModules.get(bundle);
  if (modules === undefined) {
    // The bundle imports nothing but these two (bundle.ts checks it).
    const require: Require = (id) => (id === "nix2aci" ? nix2aci : isBuiltin(id) ? nodeRequire(id) : missing(id));
    const exported = evaluateCommonJS(bundle.code, bundle.filename, require);
    modules = Array.isArray(exported) ? exported : [];
    bundleModules.set(bundle, modules);
  }
  const load = modules[index];
  return typeof load === "function" ? (load as () => unknown)() : missing(`spec module ${index}`);
}

function missing(what: string): never {
  throw new Error(`internal error: the spec bundle has no ${what}`);
}

/** A `require` for a spec compiled alone: "nix2aci" as above, anything else through jiti. */
function requireFrom(file: string): Require {
  let jiti: Jiti | undefined;
  const forFile = (): Jiti => (jiti ??= createJiti(file, loaderOptions));
  return Object.assign((id: string): unknown => (id === "nix2aci" ? nix2aci : forFile()(id)), {
    resolve: (id: string, options?: { paths?: string[] }): string => forFile().resolve(id, options),
  });
}

/** One readable line or paragraph from whatever a module threw while loading. */
function describeLoadError(error: unknown, absolutePath: string): string {
  if (error instanceof SpecSyntaxError) return syntaxError(error.file, error.line, error.column, error.reason, absolutePath);
  if (error instanceof Error) {
    // jiti's babel transform reports a parse failure as `ParseError: <what> \n <file>:<line>:<column>`.
    const parse = /^ParseError: ([^]*?)\s*\n\s*(\S.*):(\d+):(\d+)\s*$/.exec(error.message);
    if (parse !== null) return syntaxError(parse[2] as string, Number(parse[3]), Number(parse[4]), parse[1] as string, absolutePath);
    if (error instanceof SyntaxError) return `syntax error: ${error.message}`;
    const kind = error.name === "Error" ? "the spec module threw" : `the spec module threw ${error.name}`;
    return `${kind}: ${error.message}`;
  }
  return `the spec module threw ${typeof error === "string" ? JSON.stringify(error) : String(error)}`;
}

function syntaxError(file: string, line: number, column: number, reason: string, absolutePath: string): string {
  const where = file === absolutePath ? "" : ` in ${file}`;
  return `syntax error${where} at line ${line}, column ${column}: ${reason}`;
}
