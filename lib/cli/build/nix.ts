/**
 * The Nix side of `nix2aci build`: which package set (`<nixpkgs>` when Nix finds one, else
 * nix2aci's nix/host-pkgs.nix), the attributes of a generated tree, and nix-build itself with the
 * user's Nix options passed through and its build log left on stderr.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../../render/package-root.js";

/** The package set the tree is built with, and how to say so. */
export interface PackageSet {
  /** nix-build/nix-instantiate arguments selecting it (none for `<nixpkgs>`, the tree's default). */
  readonly args: readonly string[];
  /** The package set as a Nix expression, for checking the attribute paths specs name. */
  readonly expression: string;
  readonly description: string;
}

/** Fails with Nix's own message when a Nix command cannot even start. */
export class NixError extends Error {
  override readonly name = "NixError";
}

function nixCommand(program: string, args: readonly string[]): string {
  const run = spawnSync(program, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  if (run.error !== undefined) {
    throw new NixError(
      (run.error as NodeJS.ErrnoException).code === "ENOENT" ? `${program} is not on PATH (install Nix; Debian: apt-get install nix-bin)` : run.error.message,
    );
  }
  if (run.status !== 0) throw new NixError(`${program} ${args.join(" ")} failed:\n${run.stderr.trim()}`);
  return run.stdout;
}

/** Nix settings nix/host.conf gives machines without nixpkgs (no binary cache, sandboxed builds). */
function hostSettings(): string[] {
  const lines = readFileSync(path.join(packageRoot(), "nix", "host.conf"), "utf8").split("\n");
  return lines.flatMap((line) => {
    const setting = /^\s*([a-z-]+)\s*=\s*(.*?)\s*$/.exec(line);
    return setting === null ? [] : ["--option", setting[1] as string, setting[2] as string];
  });
}

/**
 * `<nixpkgs>` when Nix finds it (NIX_PATH), else nix2aci's host package set, built with the
 * settings of nix/host.conf (options the user passes come later on the command line and win).
 */
export function choosePackageSet(): PackageSet {
  const found = spawnSync("nix-instantiate", ["--find-file", "nixpkgs"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  if (found.error === undefined && found.status === 0) return { args: [], expression: "import <nixpkgs> { }", description: `<nixpkgs> (${found.stdout.trim()})` };
  const hostPkgs = path.join(packageRoot(), "nix", "host-pkgs.nix");
  const expression = `import ${hostPkgs} { }`;
  return {
    args: ["--arg", "pkgs", expression, ...hostSettings()],
    expression,
    description: `nix2aci's host package set (${hostPkgs}: this machine's own programs), as Nix finds no <nixpkgs>`,
  };
}

/** The attribute names of the tree's default.nix, evaluated with `pkgs`. */
export function treeAttributes(tree: string, pkgs: PackageSet): string[] {
  const expression = `{ tree, ... }@args: builtins.attrNames (import tree (removeAttrs args [ "tree" ]))`;
  const json = nixCommand("nix-instantiate", ["--eval", "--strict", "--json", "--expr", expression, "--argstr", "tree", tree, ...pkgs.args]);
  return JSON.parse(json) as string[];
}

/**
 * nix-build of `attributes` of `tree`: Nix's log goes to this process's stderr as it comes; one
 * output path per attribute, in order. Rejects with NixError when the build fails.
 */
export function nixBuild(tree: string, attributes: readonly string[], extra: readonly string[]): Promise<string[]> {
  const args = [tree, "--no-out-link", ...attributes.flatMap((attribute) => ["-A", attribute]), ...extra];
  return new Promise((resolve, reject) => {
    const child = spawn("nix-build", args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.on("error", (error: NodeJS.ErrnoException) => reject(new NixError(error.code === "ENOENT" ? "nix-build is not on PATH (install Nix; Debian: apt-get install nix-bin)" : error.message)));
    child.on("close", (code, signal) => {
      if (code !== 0) reject(new NixError(`nix-build failed (${signal ?? `exit status ${String(code)}`}); its log is above`));
      else resolve(stdout.split("\n").filter((line) => line.startsWith("/")));
    });
  });
}
