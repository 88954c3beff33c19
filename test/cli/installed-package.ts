/**
 * nix2aci as a user gets it: compiled with tsconfig.build.json into a package folder holding the
 * files package.json publishes, its dependencies reachable through node_modules. Used by the
 * installed-package test and the generator benchmark, which both run the real bin/nix2aci-gen.js.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../support/nix.js";

/** Builds the package into `dir` (created); returns the path of its bin/nix2aci-gen.js. */
export function buildInstalledPackage(dir: string): string {
  mkdirSync(dir, { recursive: true });
  // tsc emits even when files outside lib/render and lib/cli have type errors; what matters here
  // is that the generator's files exist, checked below.
  const tsc = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", path.join(repoRoot, "tsconfig.build.json"), "--outDir", path.join(dir, "dist")], {
    encoding: "utf8",
  });
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { files: string[] };
  for (const entry of [...manifest.files, "package.json"]) {
    if (entry.startsWith("dist")) continue;
    const from = path.join(repoRoot, entry);
    if (existsSync(from)) cpSync(from, path.join(dir, entry), { recursive: true });
  }
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
  const bin = path.join(dir, "bin/nix2aci-gen.js");
  if (!existsSync(path.join(dir, "dist/lib/cli/gen.js"))) {
    throw new Error(`building nix2aci into ${dir} failed:\n${tsc.stdout}${tsc.stderr}`);
  }
  return bin;
}
