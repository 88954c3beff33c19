/** `nix2aci-gen` command lines, parsed by hand: four options do not need a framework. */

export type GenCommand =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "init"; readonly dir: string; readonly flakeUrl: string | undefined }
  | {
      readonly kind: "generate";
      /** Spec files and folders, as given. */
      readonly inputs: readonly string[];
      /** `--out-dir`: write a tree; absent: print one spec's file on stdout. */
      readonly outDir: string | undefined;
      readonly check: boolean;
      /** `--nix-dir`: nix2aci's nix/ folder for default.nix; absent: found automatically. */
      readonly nixDir: string | undefined;
    };

/** A command line that cannot be obeyed (exit code 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const usage = `usage:
  nix2aci-gen [--check] SPEC.ts                 print SPEC's Nix file on stdout
  nix2aci-gen [--check] --out-dir DIR SPEC.ts|FOLDER ...
                                                write one .nix per spec, mirroring the specs'
                                                folders, plus DIR/default.nix
  nix2aci-gen init [--flake-url URL] [DIR]      scaffold a project in DIR (default: .)

options:
  -o, --out-dir DIR   write a tree instead of printing one file (needed for several specs,
                      folders, and spec files exporting a list)
  --check             parse every output with nix-instantiate --parse before writing it
  --nix-dir DIR       nix2aci's nix/ folder that DIR/default.nix imports by default
                      (default: node_modules/nix2aci/nix above DIR, else this package's nix/)
  --flake-url URL     (init) flake reference of nix2aci for the generated flake.nix
  -h, --help          show this help
  -V, --version       show nix2aci-gen's version

A FOLDER stands for every *.ts, *.mts, *.js and *.mjs file under it (not *.d.ts, *.test.ts, files
or folders whose name starts with "_" or ".", nor node_modules). A spec file's default export is
one spec (defineACI) or a list of specs.

exit status: 0 done; 1 a spec (or --check) failed, nothing written; 2 bad usage.
`;

const valueOptions = new Map<string, "outDir" | "nixDir" | "flakeUrl">([
  ["-o", "outDir"],
  ["--out-dir", "outDir"],
  ["--nix-dir", "nixDir"],
  ["--flake-url", "flakeUrl"],
]);

export function parseGenArgs(argv: readonly string[]): GenCommand {
  const values: Partial<Record<"outDir" | "nixDir" | "flakeUrl", string>> = {};
  const positional: string[] = [];
  let check = false;
  let help = false;
  let version = false;
  let onlyPositional = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (onlyPositional || !arg.startsWith("-") || arg === "-") {
      positional.push(arg);
      continue;
    }
    if (arg === "--") {
      onlyPositional = true;
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const key = valueOptions.get(name);
    if (key !== undefined) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || value === "") throw new UsageError(`${name} needs a value`);
      if (values[key] !== undefined) throw new UsageError(`${name} given twice`);
      values[key] = value;
    } else if (eq !== -1) {
      throw new UsageError(`unknown option '${name}'`);
    } else if (arg === "--check") check = true;
    else if (arg === "-h" || arg === "--help") help = true;
    else if (arg === "-V" || arg === "--version") version = true;
    else throw new UsageError(`unknown option '${arg}'`);
  }
  if (help) return { kind: "help" };
  if (version) return { kind: "version" };
  if (positional[0] === "init") {
    if (positional.length > 2) throw new UsageError("init takes at most one folder");
    if (values.outDir !== undefined || values.nixDir !== undefined || check) {
      throw new UsageError("init takes no --out-dir, --nix-dir or --check");
    }
    return { kind: "init", dir: positional[1] ?? ".", flakeUrl: values.flakeUrl };
  }
  if (values.flakeUrl !== undefined) throw new UsageError("--flake-url is an option of init");
  if (positional.length === 0) throw new UsageError("no spec file given");
  if (values.outDir === undefined && positional.length > 1) {
    throw new UsageError("several inputs need --out-dir DIR (stdout holds one spec's file)");
  }
  return { kind: "generate", inputs: positional, outDir: values.outDir, check, nixDir: values.nixDir };
}
