/**
 * What the README says about the examples is what examples/ has: the busybox spec it shows is the
 * file itself, the attribute lists are examples/generated's, and no command names busybox's
 * version (a version bump of the package set must not make the README wrong).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { nixEvalJson, repoRoot } from "../support/nix.js";

const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
const hostPkgs = path.join(repoRoot, "nix/host-pkgs.nix");

/** The backticked words of the first sentence part matching `pattern` (its group 1). */
function backticked(pattern: RegExp): string[] {
  const found = pattern.exec(readme)?.[1];
  if (found === undefined) throw new Error(`README: nothing matches ${pattern}`);
  return [...found.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
}

describe("README and examples/", () => {
  it("shows examples/pkgs/linux/busybox.ts as it is", () => {
    const block = /### One spec, one file\n[^]*?```ts\n([^]*?)```\n/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(path.join(repoRoot, "examples/pkgs/linux/busybox.ts"), "utf8"));
  });

  it("lists the attributes of examples/generated, and those of the busybox spec, as Nix has them", () => {
    const attributes = nixEvalJson(`builtins.attrNames (import ${path.join(repoRoot, "examples/generated")} { pkgs = import ${hostPkgs} { }; })`) as string[];
    expect(attributes.length).toBeGreaterThan(4);
    expect(backticked(/their generated tree is `examples\/generated\/`, whose attributes are ([^]*?)\(the flake's/).sort()).toEqual([...attributes].sort());
    expect(backticked(/one attribute per spec and per\s+variant \(([^)]*)\)/).sort()).toEqual(attributes.filter((name) => name.startsWith("busybox")).sort());
  });

  it("names no busybox version: commands use globs or names that survive a version bump", () => {
    const version = nixEvalJson(`(import ${hostPkgs} { }).busybox.version`) as string;
    expect(version).toMatch(/^\d+\.\d+/);
    const lines = readme.split("\n").filter((line) => line.includes(`-${version}`) || line.includes(`:${version}`));
    expect(lines).toEqual([]);
  });
});
