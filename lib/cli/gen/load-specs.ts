/**
 * Loads spec modules with esbuild alone: each spec file is bundled with what it imports (local
 * helpers, JSON, npm packages; `import … from "nix2aci"` is this very nix2aci, so its spec values
 * are the ones lib/render understands) into one ES module, run by Node from memory. One esbuild
 * build serves all spec files of a run. What Node would give a module but a bundle does not is
 * put back per module: `import.meta.url`/`filename`/`dirname`, `__filename`/`__dirname` and `require`.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { readFile } from "node:fs/promises";
import type { BuildFailure, BuildResult, Message, Plugin } from "esbuild";
import * as nix2aci from "../../index.js";

/** The outcome of loading one spec module: its default export, or why there is none. */
export type LoadedModule = { readonly ok: true; readonly exported: unknown } | { readonly ok: false; readonly message: string; readonly error: unknown };

const instance = Symbol.for("nix2aci.cli.instance");
const META = "__nix2aci_meta";
const loaders = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "jsx" } as const;

/** The text put before each module's first line (so its line numbers stay), giving it its own meta. */
function metaPrefix(file: string): string {
  return `var ${META} = ${JSON.stringify({ url: pathToFileURL(file).href, filename: file, dirname: path.dirname(file) })};`;
}

const plugin: Plugin = {
  name: "nix2aci-specs",
  setup(build) {
    build.onResolve({ filter: /^nix2aci$/ }, () => ({ path: "nix2aci", namespace: "nix2aci" }));
    build.onLoad({ filter: /.*/, namespace: "nix2aci" }, () => ({
      contents: `const m = globalThis[Symbol.for(${JSON.stringify(instance.description)})];\nexport const { ${Object.keys(nix2aci).join(", ")} } = m;\n`,
      loader: "js",
    }));
    build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async ({ path: file }) => {
      const source = await readFile(file, "utf8");
      // A `#!` line must stay first: it becomes a comment after the prefix.
      return { contents: metaPrefix(file) + (source.startsWith("#!") ? `//${source}` : source), loader: loaders[path.extname(file) as keyof typeof loaders] };
    });
  },
};

async function bundle(files: readonly string[]): Promise<BuildResult & { outputFiles: NonNullable<BuildResult["outputFiles"]> }> {
  const esbuild = await import("esbuild");
  return esbuild.build({
    entryPoints: files.map((file, index) => ({ in: file, out: String(index) })),
    outdir: "/nix2aci-specs",
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: `node${process.versions.node}`,
    logLevel: "silent",
    plugins: [plugin],
    absWorkingDir: "/",
    // TypeScript's "experimental" (legacy) decorators, whatever a tsconfig.json near a spec says.
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
    define: Object.fromEntries(
      [["import.meta.url", "url"], ["import.meta.filename", "filename"], ["import.meta.dirname", "dirname"], ["__filename", "filename"], ["__dirname", "dirname"]].map(([name, key]) => [name, `${META}.${key}`]),
    ),
    // A CommonJS helper's require() of what is not bundled (node: modules) needs a real require.
    banner: { js: `import { createRequire as __nix2aci_createRequire } from "node:module"; const require = __nix2aci_createRequire(import.meta.url);` },
  });
}

/**
 * Loads every spec module, in order: one bundle per file, all from one esbuild build. When that
 * build fails, each file is built alone, so that every failure is told at its own spec.
 */
export async function loadSpecModules(files: readonly string[]): Promise<LoadedModule[]> {
  (globalThis as Record<symbol, unknown>)[instance] = nix2aci;
  const compiled = await compile(files);
  const loaded: LoadedModule[] = [];
  for (const [index, output] of compiled.entries()) loaded.push(typeof output === "string" ? await run(output, files[index] as string) : output);
  return loaded;
}

/** Each file's bundle, or why it has none. esbuild failing by itself (not over a file) is thrown. */
async function compile(files: readonly string[]): Promise<(string | LoadedModule)[]> {
  try {
    const { outputFiles } = await bundle(files);
    const byName = new Map(outputFiles.map((output) => [path.basename(output.path), output.text]));
    return files.map((file, index) => byName.get(`${index}.js`) ?? failed(new Error("esbuild made no bundle of it"), file));
  } catch (error) {
    if (!isBuildFailure(error)) throw error;
    if (files.length === 1) return [failed(error, files[0] as string)];
    return (await Promise.all(files.map((file) => compile([file])))).flat();
  }
}

async function run(code: string, file: string): Promise<LoadedModule> {
  let namespace: Record<string, unknown>;
  try {
    // The bundle's own import.meta.url is its data: URL; `require` must resolve from the spec.
    const source = code.replace("__nix2aci_createRequire(import.meta.url)", `__nix2aci_createRequire(${JSON.stringify(file)})`);
    namespace = (await import(`data:text/javascript;base64,${Buffer.from(source).toString("base64")}`)) as Record<string, unknown>;
  } catch (error) {
    return failed(error, file);
  }
  if (namespace["default"] === undefined) return { ok: false, error: undefined, message: "no default export (export default defineACI({ … }) or a list of specs)" };
  return { ok: true, exported: namespace["default"] };
}

function isBuildFailure(error: unknown): error is BuildFailure {
  return error instanceof Error && Array.isArray((error as Partial<BuildFailure>).errors) && (error as BuildFailure).errors.length > 0;
}

/** One readable line from whatever a module threw while compiling or loading. */
function failed(error: unknown, specFile: string): LoadedModule {
  let message: string;
  if (isBuildFailure(error)) message = describeMessage(error.errors[0] as Message, specFile);
  else if (error instanceof SyntaxError) message = `syntax error: ${error.message}`;
  else if (error instanceof Error) message = `${error.name === "Error" ? "the spec module threw" : `the spec module threw ${error.name}`}: ${error.message}`;
  else message = `the spec module threw ${typeof error === "string" ? JSON.stringify(error) : String(error)}`;
  return { ok: false, message, error };
}

/** esbuild's error as `syntax error [in FILE] at line L, column C: reason`, columns in UTF-16 units. */
function describeMessage(message: Message, specFile: string): string {
  const kind = /^(Could not resolve|No matching export|No loader)/.test(message.text) ? "cannot compile" : "syntax error";
  const location = message.location;
  if (location === null) return `${kind}: ${message.text}`;
  const file = path.resolve("/", location.file);
  // esbuild counts columns in UTF-8 bytes, editors in UTF-16 units; line 1 starts with the meta prefix.
  let column = Buffer.from(location.lineText, "utf8").subarray(0, location.column).toString("utf8").length;
  if (location.line === 1 && location.lineText.startsWith(metaPrefix(file))) column -= metaPrefix(file).length;
  return `${kind}${file === specFile ? "" : ` in ${file}`} at line ${location.line}, column ${column}: ${message.text}`;
}
