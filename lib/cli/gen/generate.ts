/** `nix2aci-gen SPEC.ts` and `nix2aci-gen --out-dir DIR …`: load, validate, render, check, write. */
import path from "node:path";
import { checkPackagePaths, renderSpecFile, renderTreeUnchecked, writeTree, type TreeSpec } from "../../render/index.js";
import { formatProblem, ociWarning, specAttrName, validateSpecs, type ACISpec, type Problem } from "../../spec/index.js";
import { isPlainObject } from "../../spec/json.js";
import { UsageError } from "../args.js";
import { choosePackageSet, type PackageSet } from "../build/nix.js";
import { defineCommand, type CliIO } from "../program.js";
import { checkWithNix, requireNixInstantiate } from "./check.js";
import { findSpecFiles, type SpecFile } from "./find-specs.js";
import { loadSpecModules } from "./load-specs.js";
import { nixDirFor } from "./nix-dir.js";

export const command = defineCommand({
  name: "nix2aci-gen",
  summary: "print one spec's Nix file, or write a tree of them with DIR/default.nix",
  usage: ["[--check] SPEC.ts", "[--check] --out-dir DIR SPEC.ts|FOLDER ...", "init [--flake-url URL] [--force] [DIR]", "help [init]"],
  description:
    "Prints SPEC's Nix file on stdout, or writes one .nix per spec (mirroring the specs' folders) and\n" +
    "DIR/default.nix with an attribute per spec and per variant. 'init' scaffolds a project.\n" +
    "A FOLDER stands for every *.ts, *.mts, *.js and *.mjs file under it (not *.d.ts, *.test.ts, files\n" +
    "or folders whose name starts with \"_\" or \".\", nor node_modules). A spec file's default export is\n" +
    "one spec (defineACI) or a list of specs.",
  options: {
    "out-dir": { type: "string", short: "o", value: "DIR", help: "write a tree instead of printing one file (needed for several specs, folders, and spec files exporting a list)" },
    check: { type: "boolean", help: "ask Nix first: every pkgs.x.y the specs name exists in the package set (<nixpkgs>, else nix2aci's host set), and every output parses" },
    "nix-dir": { type: "string", value: "DIR", help: "nix2aci's nix/ folder that DIR/default.nix imports by default (default: node_modules/nix2aci/nix above DIR, else this package's nix/)" },
  },
  footer: "exit status: 0 done; 1 a spec (or --check) failed, nothing written; 2 bad usage.",
  async run({ values, positionals }, io) {
    if (positionals.length === 0) throw new UsageError("no spec file given");
    const outDir = values["out-dir"];
    if (outDir === undefined && positionals.length > 1) throw new UsageError("several inputs need --out-dir DIR (stdout holds one spec's file)");
    const check = values.check === true;
    if (check) requireNixInstantiate();
    const packageSet = check ? choosePackageSet() : undefined;
    return generate({ outDir, check, nixDir: values["nix-dir"], packageSet }, findSpecFiles(positionals, io.cwd), io);
  },
});

export interface GenerateOptions {
  /** Write a tree here; absent: print one spec's file on stdout. */
  readonly outDir: string | undefined;
  readonly check: boolean;
  /** nix2aci's nix/ folder for default.nix; absent: found automatically. */
  readonly nixDir: string | undefined;
  /** Check that every `pkgs.x.y` of the specs exists in this package set before writing. */
  readonly packageSet?: PackageSet | undefined;
}

/** The specs of one module, validated. */
interface ModuleSpecs {
  readonly file: SpecFile;
  readonly specs: readonly ACISpec[];
  readonly inList: boolean;
}

/** Generates from `files` (see findSpecFiles); returns the exit status. */
export async function generate(command: GenerateOptions, files: readonly SpecFile[], io: CliIO): Promise<number> {
  if (command.outDir === undefined && files.length !== 1) throw new UsageError("a folder needs --out-dir DIR");
  const display = (file: SpecFile): string => displayPath(file.absolute, io.cwd);

  const errors: string[] = [];
  const modules: ModuleSpecs[] = [];
  const loadedModules = await loadSpecModules(files.map((file) => file.absolute));
  for (const [index, file] of files.entries()) {
    const loaded = loadedModules[index] as (typeof loadedModules)[number];
    if (!loaded.ok) {
      errors.push(...describeFailure(display(file), loaded.message, loaded.error));
      continue;
    }
    const inList = Array.isArray(loaded.exported);
    const specs: unknown[] = inList ? [...(loaded.exported as unknown[])] : [loaded.exported];
    if (specs.length === 0) {
      errors.push(`${display(file)}: (default export): the list of specs is empty`);
      continue;
    }
    const problems: Problem[] = validateSpecs(specs).map((p) => (inList && specs.length === 1 ? { ...p, path: [0, ...p.path] } : p));
    if (problems.length > 0) errors.push(...problems.map((p) => formatProblem(p, display(file))));
    else modules.push({ file, specs: specs as ACISpec[], inList });
  }
  errors.push(...attributeClashes(modules, display));
  const entries: TreeSpec[] = modules.flatMap(({ file, specs, inList }) => specs.map((spec) => ({ spec, module: file.relative, inList, label: display(file) })));
  if (errors.length === 0 && command.packageSet !== undefined) {
    for (const report of await checkPackagePaths(entries, { pkgs: command.packageSet.expression })) {
      errors.push(...report.problems.map((p) => formatProblem(p, report.spec.label ?? "")));
    }
  }
  if (errors.length > 0) {
    io.stderr(errors.map((line) => `${line}\n`).join(""));
    io.stderr(`nix2aci-gen: ${errors.length} problem${errors.length === 1 ? "" : "s"}; nothing written\n`);
    return 1;
  }
  // Once per spec: what its OCI images carry but OCI runtimes do not apply.
  for (const { file, specs } of modules) {
    for (const spec of specs) {
      const warning = ociWarning(spec);
      if (warning !== undefined) io.stderr(`${display(file)}: ${spec.name}: warning: ${warning}\n`);
    }
  }

  if (command.outDir === undefined) {
    const only = modules[0] as ModuleSpecs;
    if (only.specs.length !== 1) {
      throw new UsageError(`${display(only.file)} exports ${only.specs.length} specs: use --out-dir DIR to write one file each`);
    }
    let text: string;
    try {
      // The file's default mkACI: --nix-dir as seen from here (where stdout is written, presumably),
      // else the same text anywhere: node_modules/nix2aci/nix, a project's root.
      const nixDir = command.nixDir === undefined ? undefined : nixDirFor(io.cwd, path.resolve(io.cwd, command.nixDir));
      text = renderSpecFile(only.specs[0] as ACISpec, { source: path.basename(only.file.absolute), ...(nixDir === undefined ? {} : { nixDir }) });
    } catch (error) {
      io.stderr(`${display(only.file)}: ${(error as Error).message}\nnix2aci-gen: nothing written\n`);
      return 1;
    }
    if (command.check && !checkPasses(new Map([[path.basename(only.file.absolute, path.extname(only.file.absolute)) + ".nix", text]]), io)) return 1;
    io.stdout(text);
    return 0;
  }

  const outDir = path.resolve(io.cwd, command.outDir);
  let tree: Map<string, string>;
  try {
    tree = renderTreeUnchecked(entries, { nixDir: nixDirFor(outDir, command.nixDir === undefined ? undefined : path.resolve(io.cwd, command.nixDir)) });
  } catch (error) {
    io.stderr(`${(error as Error).message}\nnix2aci-gen: nothing written\n`);
    return 1;
  }
  if (command.check && !checkPasses(tree, io)) return 1;
  const report = writeTree(outDir, tree);
  io.stderr(
    `nix2aci-gen: ${displayPath(outDir, io.cwd)}: ${report.written.length} written, ${report.unchanged.length} unchanged` +
      `${command.check ? ", all parsed by nix-instantiate" : ""}\n`,
  );
  return 0;
}

function checkPasses(tree: ReadonlyMap<string, string>, io: CliIO): boolean {
  const failures = checkWithNix(tree);
  for (const failure of failures) io.stderr(`${failure.file}: nix-instantiate --parse failed (a nix2aci bug; please report it):\n${failure.message}\n`);
  if (failures.length > 0) io.stderr("nix2aci-gen: nothing written\n");
  return failures.length === 0;
}

/** Messages for a module that did not load: a SpecError thrown at load time lists its problems. */
function describeFailure(file: string, message: string, error: unknown): string[] {
  const problems = isPlainObject(error) || error instanceof Error ? (error as { problems?: unknown }).problems : undefined;
  if (Array.isArray(problems) && problems.length > 0) return (problems as Problem[]).map((p) => formatProblem(p, file));
  return [`${file}: ${message}`];
}

/** Spec and variant names that would be the same attribute of default.nix, across modules. */
function attributeClashes(modules: readonly ModuleSpecs[], display: (file: SpecFile) => string): string[] {
  const owners = new Map<string, string>();
  const clashes: string[] = [];
  for (const { file, specs, inList } of modules) {
    specs.forEach((spec, i) => {
      const at = inList ? `[${i}].` : "";
      const names: [string, string][] = [[specAttrName(spec.name), `${at}name`]];
      for (const variant of Object.keys(spec.variants ?? {})) names.push([variant, `${at}variants.${variant}`]);
      for (const [attr, field] of names) {
        const here = `${display(file)}: ${field}`;
        const owner = owners.get(attr);
        if (owner === undefined) owners.set(attr, here);
        else if (!owner.startsWith(`${display(file)}: `)) clashes.push(`${here}: Nix attribute name "${attr}" is already used by ${owner}`);
      }
    });
  }
  return clashes;
}

/** A path for messages: relative to the working folder when inside it. */
function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  return relative === "" ? "." : relative.startsWith("..") || path.isAbsolute(relative) ? absolute : relative;
}
