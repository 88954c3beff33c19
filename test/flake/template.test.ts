/**
 * templates/flake/ (the flake's `templates.default`) must be exactly what `nix2aci-gen init` with
 * default values plus `npm run generate` in that project produce today, so that a template user
 * gets the current scaffold without running Node. Fix a failure with
 * `npm run build && scripts/update-flake-template.sh`.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../lib/cli/gen.js";
import { repoRoot } from "../support/nix.js";
import { readTree, tempDir } from "./support.js";

async function gen(argv: readonly string[], cwd: string): Promise<void> {
  let stderr = "";
  const code = await main(argv, { stdout: () => undefined, stderr: (text) => void (stderr += text), cwd });
  if (code !== 0) throw new Error(`nix2aci-gen ${argv.join(" ")} exited ${code}: ${stderr}`);
}

describe("templates/flake", () => {
  it("is `nix2aci-gen init` + its generated nix/ folder, byte for byte", async () => {
    // The folder name becomes the package name; "images" is the one the template was made with.
    const project = path.join(tempDir("template"), "images");
    await gen(["init", project], repoRoot);
    await gen(["--check", "--out-dir", "nix", "--nix-dir", "node_modules/nix2aci/nix", "specs"], project);

    // npm drops files named .gitignore from packages: the template holds it as gitignore.
    const expected = new Map([...readTree(project)].map(([file, text]) => [file === ".gitignore" ? "gitignore" : file, text] as const).sort(([a], [b]) => (a < b ? -1 : 1)));
    const actual = readTree(path.join(repoRoot, "templates/flake"));
    const stale = "templates/flake/ is stale: run `npm run build && scripts/update-flake-template.sh`";
    expect([...actual.keys()], stale).toEqual([...expected.keys()]);
    for (const [file, text] of expected) expect(actual.get(file), `${stale} (${file})`).toBe(text);
    // What makes the template usable without Node: the generated Nix files are there.
    expect([...expected.keys()]).toEqual(expect.arrayContaining(["flake.nix", "nix/default.nix", "nix/hello.nix", "specs/hello.ts", "gitignore"]));
  });
});
