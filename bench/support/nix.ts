/** Nix calls for the benchmarks: always with nix/host.conf as NIX_CONFIG (test/support/nix.ts). */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { nixEnv, repoRoot, requireNix } from "../../test/support/nix.js";
import { measure, type Measured } from "./measure.js";

export { nixEnv, repoRoot };

/** `.bench-work/<name>/` in the repository (gitignored), created. */
export function workDir(name: string): string {
  const dir = path.join(repoRoot, ".bench-work", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A label value no earlier build has used: the image derivation really runs. */
export function freshLabel(): string {
  return `${Date.now().toString(36)}-${process.hrtime.bigint().toString(36)}`;
}

export interface NixBuildRun extends Measured {
  /** Output paths, one per attribute. */
  readonly outs: readonly string[];
  /** Names of the derivations Nix said it would build (`these N derivations will be built:`). */
  readonly built: readonly string[];
}

/** `nix-build --no-out-link ARGS`, timed, under /usr/bin/time (peak RSS of the evaluator). */
export function nixBuildMeasured(args: readonly string[]): NixBuildRun {
  requireNix();
  const run = measure(["nix-build", "--no-out-link", ...args], { env: nixEnv, cwd: repoRoot });
  return { ...run, outs: run.stdout.split("\n").filter((l) => l.length > 0), built: derivationsToBuild(run.stderr) };
}

export function nixBuild(args: readonly string[]): readonly string[] {
  return nixBuildMeasured(args).outs;
}

/**
 * The store paths Nix lists under "this derivation will be built:" or "these N derivations will
 * be built:" (one indented line each), as derivation names without hash and `.drv`.
 */
export function derivationsToBuild(stderr: string): string[] {
  const lines = stderr.split("\n");
  const start = lines.findIndex((l) => /^(this derivation|these \d+ derivations) will be built:$/.test(l));
  if (start < 0) return [];
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^ {2}\/nix\/store\/[0-9a-z]{32}-(.+)\.drv$/.exec(line);
    if (m === null) break;
    names.push(m[1] as string);
  }
  const count = /^these (\d+) derivations/.exec(lines[start] as string);
  if (count !== null && Number(count[1]) !== names.length) {
    throw new Error(`nix-build announced ${count[1]} derivations but listed ${names.length}`);
  }
  return names;
}

/** The single `.aci` file in an image's output folder. */
export function aciIn(out: string): string {
  const files = readdirSync(out).filter((f) => f.endsWith(".aci"));
  if (files.length !== 1) throw new Error(`${out} holds ${files.length} .aci files`);
  return path.join(out, files[0] as string);
}

/** Removes benchmark images from the store (best effort: a path still referred to stays). */
export function deleteStorePaths(paths: readonly string[]): void {
  if (paths.length === 0) return;
  try {
    execFileSync("nix-store", ["--delete", ...paths], { env: nixEnv, stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    process.stderr.write(`bench: could not delete ${paths.join(" ")}: ${String(error)}\n`);
  }
}
