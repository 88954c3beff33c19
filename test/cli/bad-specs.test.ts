/**
 * The bad-spec corpus (test/cli/bad-specs/): every file must make nix2aci-gen exit 1 with a line
 * `<file>: <expected field path or reason>` on stderr, print nothing on stdout, and leave an
 * existing output tree exactly as it was. Files ending in `.broken` (syntax errors, which tsc
 * would refuse in the repository) are copied under their `.ts` name first.
 */
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { runGen } from "./support.js";
import { tempDir } from "../render/support.js";

const corpus = fileURLToPath(new URL("./bad-specs/", import.meta.url));
const names = readdirSync(corpus).filter((name) => name.endsWith(".ts") || name.endsWith(".ts.broken")).sort();

let specDir: string;
let outDir: string;
const sentinel = "# an existing file nix2aci-gen must not touch\n";

beforeAll(() => {
  specDir = tempDir("bad-specs");
  for (const name of names) copyFileSync(path.join(corpus, name), path.join(specDir, name.replace(/\.broken$/, "")));
  outDir = tempDir("bad-out");
  writeFileSync(path.join(outDir, "default.nix"), sentinel);
});

function expectation(name: string): string {
  const match = /^\/\/ expect: (.+)$/m.exec(readFileSync(path.join(corpus, name), "utf8"));
  if (match === null) throw new Error(`${name} has no '// expect:' line`);
  return match[1] as string;
}

describe("bad specs", () => {
  it("the corpus holds at least 30 specs", () => {
    expect(names.length).toBeGreaterThanOrEqual(30);
  });

  it.each(names)("%s: exit 1, file and field named, no stdout, nothing written", async (name) => {
    const file = name.replace(/\.broken$/, "");
    const expected = `${file}: ${expectation(name)}`;
    const before = statSync(path.join(outDir, "default.nix")).mtimeMs;

    const toStdout = await runGen([file], specDir);
    expect(toStdout.code).toBe(1);
    expect(toStdout.stdout).toBe("");
    expect(toStdout.stderr.split("\n").some((line) => line.startsWith(expected)), toStdout.stderr).toBe(true);

    const toTree = await runGen(["--out-dir", outDir, file], specDir);
    expect(toTree.code).toBe(1);
    expect(toTree.stdout).toBe("");
    expect(toTree.stderr).toContain(expected);
    expect(readdirSync(outDir)).toEqual(["default.nix"]);
    expect(readFileSync(path.join(outDir, "default.nix"), "utf8")).toBe(sentinel);
    expect(statSync(path.join(outDir, "default.nix")).mtimeMs).toBe(before);
  });

  it("one mistake, one problem: a variant named like its own spec is reported once", async () => {
    const run = await runGen(["variant-same-as-spec.ts"], specDir);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'variant-same-as-spec.ts: variants.x: variant name must differ from the spec\'s own attribute name "x", got "x"\n' +
        "nix2aci-gen: 1 problem; nothing written\n",
    );
    // Across specs of one list, and across files, a clash is still one problem each.
    const listed = await runGen(["list-attribute-clash.ts"], specDir);
    expect(listed.stderr.split("\n").filter((line) => line.includes("already used by"))).toHaveLength(1);
  });

  it("one bad spec among good ones: every problem listed, no file written", async () => {
    const good = path.join(specDir, "good.ts");
    writeFileSync(good, `import { defineACI, pkgs } from "nix2aci";\nexport default defineACI({ name: "example.org/good-one", packages: [pkgs.busybox], exec: ["/bin/sh"] });\n`);
    const run = await runGen(["--out-dir", outDir, "good.ts", "exec-relative.ts", "ports-duplicate-name.ts"], specDir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("exec-relative.ts: exec[0]:");
    expect(run.stderr).toContain("ports-duplicate-name.ts: ports[1].name:");
    expect(readdirSync(outDir)).toEqual(["default.nix"]);
    expect(readFileSync(path.join(outDir, "default.nix"), "utf8")).toBe(sentinel);
  });
});
