/**
 * How nix2aci-gen loads spec modules: TypeScript compiled by esbuild, with jiti's babel transform
 * for what esbuild's CommonJS cannot express (top-level await, import.meta, import()). Each case
 * checks the rendered output, so a module that loads but evaluates wrongly fails too.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../render/support.js";
import { runGen } from "./support.js";

function project(files: Record<string, string>): string {
  const dir = tempDir("spec-loading");
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const header = `import { defineACI, pkgs } from "nix2aci";\n`;
const spec = (name: string, exec: string): string =>
  `export default defineACI({ name: ${JSON.stringify(name)}, packages: [pkgs.busybox], exec: [${exec}] });\n`;

describe("spec modules that load", () => {
  it.each([
    ["types, an enum and a TypeScript helper module", {
      "helper.ts": `export enum Port { Http = 8080 }\nexport const shell: string = "/bin/sh";\n`,
      "spec.ts": `${header}import type { ACISpec } from "nix2aci";\nimport { Port, shell } from "./helper.ts";\n` +
        `const s: ACISpec = defineACI({ name: "example.org/typed", packages: [pkgs.busybox], exec: [shell, String(Port.Http)] });\nexport default s;\n`,
    }, ['exec = [ "/bin/sh" "8080" ];']],
    ["top-level await", {
      "spec.ts": `${header}const shell = await Promise.resolve("/bin/tla");\n${spec("example.org/tla", "shell")}`,
    }, ['exec = [ "/bin/tla" ];']],
    ["import.meta.url", {
      "spec.ts": `${header}${spec("example.org/meta", `import.meta.url.endsWith("/spec.ts") ? "/bin/right" : "/bin/wrong"`)}`,
    }, ['exec = [ "/bin/right" ];']],
    ["a dynamic import of a helper", {
      "helper.ts": `export const shell: string = "/bin/dynamic";\n`,
      "spec.ts": `${header}const { shell } = await import("./helper.ts");\n${spec("example.org/dyn", "shell")}`,
    }, ['exec = [ "/bin/dynamic" ];']],
    ["a JavaScript module (.mjs)", {
      "spec.mjs": `${header}${spec("example.org/plain", `"/bin/mjs"`)}`,
    }, ['exec = [ "/bin/mjs" ];']],
  ])("%s", async (_label, files, expected) => {
    const dir = project(files);
    const run = await runGen([Object.keys(files).find((name) => name.startsWith("spec")) as string], dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    for (const text of expected) expect(run.stdout).toContain(text);
  });

  it("a spec edited between two runs in one process is read again", async () => {
    const dir = project({ "spec.ts": `${header}${spec("example.org/edit", `"/bin/first"`)}` });
    expect((await runGen(["spec.ts"], dir)).stdout).toContain('"/bin/first"');
    writeFileSync(path.join(dir, "spec.ts"), `${header}${spec("example.org/edit", `"/bin/second"`)}`);
    expect((await runGen(["spec.ts"], dir)).stdout).toContain('"/bin/second"');
  });

  it("many files in one folder: each its own output, in order", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`specs/s${String(i).padStart(2, "0")}.ts`] = `${header}${spec(`example.org/s${i}`, `"/bin/s${i}"`)}`;
    const dir = project(files);
    const run = await runGen(["--out-dir", "nix", "specs"], dir);
    expect(run.stderr).toContain("41 written");
    expect(run.code).toBe(0);
  });
});

describe("syntax errors", () => {
  it("names line and column (0-based, in characters, as before) of the spec file", async () => {
    const dir = project({ "spec.ts": `${header}// ü\nconst s = "ü"; const x = { a: 1,, };\n${spec("example.org/x", `"/bin/sh"`)}` });
    const run = await runGen(["spec.ts"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^spec\.ts: syntax error at line 3, column 32: \S/);
  });

  it("in a module the spec imports: names that module", async () => {
    const dir = project({
      "helper.ts": `export const shell = { a: 1,, };\n`,
      "spec.ts": `${header}import { shell } from "./helper.ts";\n${spec("example.org/x", "String(shell)")}`,
    });
    const run = await runGen(["spec.ts"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`spec.ts: syntax error in ${path.join(dir, "helper.ts")} at line 1, column 28: `);
  });

  it("in a module left to babel (import.meta): the same line and column", async () => {
    const dir = project({ "spec.ts": `${header}const shell = import.meta.url ? "/bin/sh" : "";\nconst x = { a: 1,, };\n${spec("example.org/x", "shell")}` });
    const run = await runGen(["spec.ts"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^spec\.ts: syntax error at line 3, column 17: /);
  });
});
