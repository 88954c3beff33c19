/** The README's library example, run as written in a scratch project, and its tree evaluated by Nix. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createJiti } from "jiti";
import { afterAll, describe, expect, it } from "vitest";
import { nixEvalJson, repoRoot } from "../support/nix.js";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const example = /### Library API[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";

const project = mkdtempSync(join(tmpdir(), "nix2aci-readme-lib-"));
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("the README's library example", () => {
  it("writes a tree whose default.nix evaluates to the spec's manifest", async () => {
    expect(example).toContain("renderTree");
    mkdirSync(join(project, "node_modules", "nix2aci"), { recursive: true });
    symlinkSync(join(repoRoot, "nix"), join(project, "node_modules", "nix2aci", "nix"));
    writeFileSync(join(project, "build.ts"), example);

    const stdout: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => stdout.push(chunk) > 0) as typeof process.stdout.write;
    const cwd = process.cwd();
    try {
      process.chdir(project);
      const jiti = createJiti(join(project, "build.ts"), { alias: { nix2aci: join(repoRoot, "lib/index.ts") }, fsCache: false });
      await jiti.import(join(project, "build.ts"));
    } finally {
      process.chdir(cwd);
      process.stdout.write = write;
    }

    expect(stdout.join("")).toContain('name = "example.org/hello";');
    const manifest = nixEvalJson(
      `(import ${join(project, "nix")} { pkgs = import ${join(repoRoot, "nix/host-pkgs.nix")} { }; }).hello.manifest`,
    ) as { name: string; app: { exec: string[] } };
    expect(manifest.name).toBe("example.org/hello");
    expect(manifest.app.exec).toEqual(["/bin/hello"]);
  });
});
