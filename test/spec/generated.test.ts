/**
 * Everything printed from the argument table is committed as printed: lib/spec/types.ts,
 * nix/lib/arguments.nix, docs/mkaci-arguments.md and the README's spec reference. Regenerate with
 * `node --import jiti/register scripts/generate-arguments.ts --write`.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MKACI_ARGUMENTS, SPEC_ARGUMENTS, SPEC_ONLY_FIELDS } from "../../lib/spec/arguments/table.js";
import { generatedFiles, staleFiles } from "../../scripts/generate-arguments.js";
import { nixEnv, repoRoot, requireNix } from "../support/nix.js";

describe("files printed from the argument table", () => {
  it("are up to date", () => {
    expect(staleFiles(), "run: node --import jiti/register scripts/generate-arguments.ts --write").toEqual([]);
  });

  it("the script the README names runs and finds nothing stale (exit 0, no output)", () => {
    const run = (args: string[]) => execFileSync("node", ["--import", "jiti/register", "scripts/generate-arguments.ts", ...args], { cwd: repoRoot, encoding: "utf8" });
    expect(run([])).toBe("");
    expect(readFileSync(path.join(repoRoot, "README.md"), "utf8")).toContain("node --import jiti/register scripts/generate-arguments.ts --write");
  });

  it("cover every argument: a type member, a formal, a docs row", () => {
    const files = generatedFiles();
    for (const field of [...SPEC_ARGUMENTS.map((f) => f.name), ...SPEC_ONLY_FIELDS.map((f) => f.name)]) {
      expect(files.get("lib/spec/types.ts"), field).toMatch(new RegExp(`readonly ${field}\\??: `));
      expect(files.get("README.md"), field).toContain(`| \`${field}\``);
    }
    for (const field of MKACI_ARGUMENTS) {
      expect(files.get("nix/lib/arguments.nix"), field.name).toMatch(new RegExp(`\\n\\s+${field.name}( \\?|,)`));
      expect(files.get("docs/mkaci-arguments.md"), field.name).toContain(`| \`${field.name}\` |`);
    }
  });

  it("nix/lib/arguments.nix has a comment above every formal, and Nix lists the formals", () => {
    requireNix();
    const text = readFileSync(path.join(repoRoot, "nix/lib/arguments.nix"), "utf8");
    for (const field of MKACI_ARGUMENTS) expect(text, field.name).toMatch(new RegExp(`# [^\\n]+\\n\\s+${field.name}( \\?|,)`));
    const listed = execFileSync(
      "nix-instantiate",
      ["--eval", "--json", "-E", "builtins.attrNames (builtins.functionArgs (import ./nix { pkgs = import ./nix/host-pkgs.nix {}; }).mkACI)"],
      { cwd: repoRoot, env: nixEnv, encoding: "utf8" },
    );
    expect(JSON.parse(listed)).toEqual(MKACI_ARGUMENTS.map((f) => f.name).sort());
  });
});
