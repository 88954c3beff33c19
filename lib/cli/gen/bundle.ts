/**
 * All spec files compiled by esbuild in one go, into one CommonJS bundle: esbuild spends ~0.2 ms
 * of CPU per spec this way against ~1 ms when each file is its own output, and this process runs
 * one script instead of a thousand. Each spec stays a module of its own in the bundle, run only
 * when it is loaded, so a spec that throws is reported alone, in the usual order.
 *
 * The bundle serves a spec only if it runs there exactly as one file at a time would: its module
 * and those it imports (helpers in the project) are ES modules or JSON that esbuild compiled
 * without a warning, that do not use `__filename` or `__dirname` (jiti gives each module its
 * own), and import nothing from outside but "nix2aci" and Node's built-in modules (an npm
 * package could resolve differently from the spec's folder). Other specs are compiled one
 * at a time (./transpile.ts), as are all of them if the bundle fails for a reason that cannot be
 * pinned on some spec files (those are left out and the bundle made again once).
 */
import { readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import path from "node:path";
import type { Message, Metafile } from "esbuild";
import { callEsbuild, failureMessages, loadEsbuild, strict, target, tsconfigRaw, type Esbuild } from "./esbuild.js";

/** One CommonJS script whose `module.exports[i]()` runs spec module i and returns its exports. */
export interface SpecBundle {
  readonly code: string;
  /** Where the bundle says it is, for stack traces. */
  readonly filename: string;
  /** Index of each spec file the bundle serves. */
  readonly index: ReadonlyMap<string, number>;
}

export interface BundleOutcome {
  /** Undefined when esbuild is missing or the bundle failed. */
  readonly bundle: SpecBundle | undefined;
  /** Spec files to compile one at a time. */
  readonly rest: readonly string[];
}

type Attempt =
  | { readonly built: true; readonly code: string; readonly metafile: Metafile; readonly warnings: readonly Message[] }
  | { readonly built: false; readonly blame: ReadonlySet<string> | undefined };

const entryName = "nix2aci-specs.js";

export async function bundleSpecs(files: readonly string[]): Promise<BundleOutcome> {
  const esbuild = await loadEsbuild();
  const first = files[0];
  if (esbuild === undefined || first === undefined) return { bundle: undefined, rest: files };
  const root = path.parse(first).root;
  let included = files;
  let attempt = await build(esbuild, included, root);
  if (!attempt.built && attempt.blame !== undefined) {
    const blamed = attempt.blame;
    included = files.filter((file) => !blamed.has(file));
    if (included.length > 0) attempt = await build(esbuild, included, root);
  }
  if (!attempt.built) return { bundle: undefined, rest: files };
  const index = served(included, root, attempt);
  return {
    bundle: { code: attempt.code, filename: path.join(path.dirname(first), entryName), index },
    rest: files.filter((file) => !index.has(file)),
  };
}

async function build(esbuild: Esbuild, files: readonly string[], root: string): Promise<Attempt> {
  const entry = `module.exports = [\n${files.map((file) => `  () => require(${JSON.stringify(file)}),\n`).join("")}];\n`;
  try {
    const result = await callEsbuild(() =>
      esbuild.build({
        stdin: { contents: entry, resolveDir: root, sourcefile: entryName, loader: "js" },
        absWorkingDir: root,
        bundle: true,
        packages: "external",
        platform: "node",
        format: "cjs",
        target,
        write: false,
        metafile: true,
        logLevel: "silent",
        tsconfigRaw,
      }),
    );
    const output = result.outputFiles[0];
    if (output === undefined) return { built: false, blame: undefined };
    return { built: true, code: strict(output.text), metafile: result.metafile, warnings: result.warnings };
  } catch (error) {
    const messages = failureMessages(error);
    return { built: false, blame: messages === undefined ? undefined : blame(messages, files, root) };
  }
}

/** The spec files that these errors are in; undefined if some error is elsewhere. */
function blame(messages: readonly Message[], files: readonly string[], root: string): ReadonlySet<string> | undefined {
  const specs = new Set(files);
  const blamed = new Set<string>();
  for (const message of messages) {
    const file = message.location === null ? undefined : path.resolve(root, message.location.file);
    if (file === undefined || !specs.has(file)) return undefined;
    blamed.add(file);
  }
  return blamed;
}

const moduleLocals = /\b__(?:file|dir)name\b/;

/** The spec files (with their index) that run in the bundle as they would alone; see the file comment. */
function served(files: readonly string[], root: string, { code, metafile, warnings }: Extract<Attempt, { built: true }>): Map<string, number> {
  const index = new Map<string, number>();
  const unsafe = new Set<string>(); // metafile input paths
  for (const warning of warnings) {
    if (warning.location === null) return index;
    unsafe.add(warning.location.file);
  }
  // Rare, so only looked for in the sources when the bundle has the words at all.
  const localsUsed = moduleLocals.test(code);
  for (const [input, { format, imports }] of Object.entries(metafile.inputs)) {
    if (format === "cjs") unsafe.add(input);
    if (localsUsed && usesModuleLocals(path.resolve(root, input))) unsafe.add(input);
    const foreign = imports.some(
      (use) => use.external === true && !((use.kind === "import-statement" || use.kind === "require-call") && (use.path === "nix2aci" || isBuiltin(use.path))),
    );
    if (foreign) unsafe.add(input);
  }
  // Everything that imports an unsafe module, directly or not, is unsafe too.
  const importers = new Map<string, string[]>();
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    for (const use of imports) {
      if (use.external === true) continue;
      const list = importers.get(use.path);
      if (list === undefined) importers.set(use.path, [input]);
      else list.push(input);
    }
  }
  const queue = [...unsafe];
  for (let input = queue.pop(); input !== undefined; input = queue.pop()) {
    for (const importer of importers.get(input) ?? []) {
      if (!unsafe.has(importer)) {
        unsafe.add(importer);
        queue.push(importer);
      }
    }
  }
  files.forEach((file, i) => {
    // A spec reached through a symbolic link is listed under its real path: left to one-at-a-time.
    const input = path.relative(root, file);
    if (metafile.inputs[input] !== undefined && !unsafe.has(input)) index.set(file, i);
  });
  return index;
}

function usesModuleLocals(file: string): boolean {
  try {
    return moduleLocals.test(readFileSync(file, "utf8"));
  } catch {
    return true; // not a file (the bundle's entry): not a spec module either
  }
}
