/**
 * Loads spec modules with esbuild alone: all spec files of a run and what they import (local
 * helpers, JSON, npm packages; `import … from "nix2aci"` is this very nix2aci, so its spec values
 * are the ones lib/render understands) are bundled into one ES module that Node runs from memory,
 * each spec when it is loaded. What Node would give a module but a bundle does not is put back
 * per module: `import.meta.url`/`filename`/`dirname`, `__filename`/`__dirname` and `require`.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { readFile } from "node:fs/promises";
import type { BuildFailure, Message, Plugin } from "esbuild";
import * as nix2aci from "../../index.js";

/** The outcome of loading one spec module: its default export, or why there is none. */
export type LoadedModule = { readonly ok: true; readonly exported: unknown } | { readonly ok: false; readonly message: string; readonly error: unknown };

const instance = Symbol.for("nix2aci.cli.instance");
const META = "__nix2aci_meta";
const fileLoaders = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "jsx" } as const;

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
      return { contents: metaPrefix(file) + (source.startsWith("#!") ? `//${source}` : source), loader: fileLoaders[path.extname(file) as keyof typeof fileLoaders] };
    });
  },
};

/**
 * One ES module for all `files`: its default export holds one loader per file, in order, each
 * running that spec module (and what it imports, once for all) when called.
 */
async function bundle(files: readonly string[]): Promise<string> {
  const esbuild = await import("esbuild");
  const { outputFiles } = await esbuild.build({
    stdin: { contents: `export default [${files.map((file) => `() => import(${JSON.stringify(file)})`).join(",\n")}];`, resolveDir: "/", loader: "js" },
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
    // A CommonJS module's require() of what is not bundled (node: modules) needs a real require.
    banner: { js: `import { createRequire as __nix2aci_createRequire } from "node:module"; const require = __nix2aci_createRequire(${JSON.stringify(files[0] ?? "/")});` },
  });
  return outputFiles[0]?.text ?? "";
}

/**
 * Loads every spec module, in order, from one esbuild bundle. When that build fails, the files
 * are bundled in halves (and so on down to single files), so that every failure is told at its
 * own spec and the other specs still load.
 */
export async function loadSpecModules(files: readonly string[]): Promise<LoadedModule[]> {
  (globalThis as Record<symbol, unknown>)[instance] = nix2aci;
  const loaded: LoadedModule[] = [];
  for (const part of await compile(files)) {
    if ("error" in part) {
      loaded.push(failed(part.error, part.file));
      continue;
    }
    let loaders: (() => Promise<unknown>)[];
    try {
      loaders = ((await import(`data:text/javascript;base64,${Buffer.from(part.code).toString("base64")}`)) as { default: (() => Promise<unknown>)[] }).default;
    } catch (error) {
      loaded.push(...part.files.map((file) => failed(error, file))); // Node refused what esbuild made
      continue;
    }
    for (const [index, load] of loaders.entries()) loaded.push(await run(load, part.files[index] as string));
  }
  return loaded;
}

type Compiled = { readonly files: readonly string[]; readonly code: string } | { readonly file: string; readonly error: BuildFailure };

async function compile(files: readonly string[]): Promise<Compiled[]> {
  try {
    return [{ files, code: await bundle(files) }];
  } catch (error) {
    if (!isBuildFailure(error)) throw error; // esbuild failed by itself, not over a file
    if (files.length === 1) return [{ file: files[0] as string, error }];
    const half = Math.ceil(files.length / 2);
    return (await Promise.all([compile(files.slice(0, half)), compile(files.slice(half))])).flat();
  }
}

async function run(load: () => Promise<unknown>, file: string): Promise<LoadedModule> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await load()) as Record<string, unknown>;
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
