import { createJiti, type Jiti } from "jiti";
import * as nix2aci from "../../index.js";

/** The outcome of loading one spec module: its default export, or why there is none. */
export type LoadedModule =
  | { readonly ok: true; readonly exported: unknown }
  | { readonly ok: false; readonly message: string; readonly error: unknown };

let loader: Jiti | undefined;

/**
 * Loads a spec module (TypeScript or JavaScript) without a build step. `import … from "nix2aci"`
 * in the spec resolves to the very module instance this CLI runs on (a jiti virtual module), so
 * spec values made by `defineACI`/`pkgs`/`param` are the ones lib/render understands, in the
 * repository (sources) and in an installed package (dist/) alike.
 */
export async function loadSpecModule(absolutePath: string): Promise<LoadedModule> {
  loader ??= createJiti(import.meta.url, {
    virtualModules: { nix2aci },
    interopDefault: false,
    // A spec edited between two runs in one process (tests, watch scripts) must be re-read.
    moduleCache: false,
  });
  let namespace: unknown;
  try {
    namespace = await loader.import(absolutePath);
  } catch (error) {
    return { ok: false, message: describeLoadError(error, absolutePath), error };
  }
  if (typeof namespace !== "object" || namespace === null || !("default" in namespace) || namespace.default === undefined) {
    return { ok: false, error: undefined, message: "no default export (export default defineACI({ … }) or a list of specs)" };
  }
  return { ok: true, exported: namespace.default };
}

/** One readable line or paragraph from whatever a module threw while loading. */
function describeLoadError(error: unknown, absolutePath: string): string {
  if (error instanceof Error) {
    // jiti reports a parse failure as `ParseError: <what> \n <file>:<line>:<column>`.
    const parse = /^ParseError: ([^]*?)\s*\n\s*(\S.*):(\d+):(\d+)\s*$/.exec(error.message);
    if (parse !== null) {
      const where = parse[2] === absolutePath ? "" : ` in ${parse[2]}`;
      return `syntax error${where} at line ${parse[3]}, column ${parse[4]}: ${parse[1]}`;
    }
    if (error instanceof SyntaxError) return `syntax error: ${error.message}`;
    const kind = error.name === "Error" ? "the spec module threw" : `the spec module threw ${error.name}`;
    return `${kind}: ${error.message}`;
  }
  return `the spec module threw ${typeof error === "string" ? JSON.stringify(error) : String(error)}`;
}
