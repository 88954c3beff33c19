/**
 * How nix2aci-gen loads spec modules: each bundled by esbuild with what it imports, run by Node
 * as an ES module, with its own import.meta, __filename, __dirname and require. Each case checks
 * the rendered output, so a module that loads but evaluates wrongly fails too.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listFiles, tempDir } from "../render/support.js";
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
    ["a helper module with top-level await", {
      "helper.ts": `export const shell: string = await Promise.resolve("/bin/helper-tla");\n`,
      "spec.ts": `${header}import { shell } from "./helper.ts";\n${spec("example.org/helper-tla", "shell")}`,
    }, ['exec = [ "/bin/helper-tla" ];']],
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
    ["a CommonJS spec (.cjs) requiring nix2aci and a builtin", {
      "spec.cjs": `#!/usr/bin/env node\nconst { defineACI, pkgs } = require("nix2aci");\nconst path = require("node:path");\n` +
        `module.exports = defineACI({ name: "example.org/cjs", packages: [pkgs.busybox], exec: [path.join("/bin", "cjs")] });\n`,
    }, ['exec = [ "/bin/cjs" ];']],
    ["TypeScript's (legacy) decorators", {
      "spec.ts": `${header}const seen: string[] = [];\nfunction tag(label: string) { return (target: Function) => { seen.push(label + ":" + target.name); }; }\n` +
        `@tag("image") class Image {}\nvoid Image;\n${spec("example.org/decorated", `"/bin/" + seen.join(",")`)}`,
    }, ['exec = [ "/bin/image:Image" ];']],
    ["an ESM idiom: __filename from import.meta.url", {
      "spec.ts": `${header}import { fileURLToPath } from "node:url";\nconst __filename = fileURLToPath(import.meta.url);\n` +
        `${spec("example.org/idiom", `__filename.endsWith("/spec.ts") ? "/bin/idiom" : __filename`)}`,
    }, ['exec = [ "/bin/idiom" ];']],
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

  it("a run that stopped before loading its specs (bad usage) leaves nothing stale for the next", async () => {
    const dir = project({ "specs/a.ts": `${header}${spec("example.org/a", `"/bin/first"`)}`, "specs/b.ts": `${header}${spec("example.org/b", `"/bin/b"`)}` });
    expect((await runGen(["specs"], dir)).code).toBe(2);
    writeFileSync(path.join(dir, "specs/a.ts"), `${header}${spec("example.org/a", `"/bin/second"`)}`);
    const run = await runGen(["--out-dir", "nix", "specs"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(path.join(dir, "nix/a.nix"), "utf8")).toContain('"/bin/second"');
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

describe("a folder of specs of every kind, loaded in one run", () => {
  const kinds: Record<string, string> = {
    "lib/common.ts": `export const shell: string = "/bin/common";\n`,
    "specs/shared-a.ts": `${header}import { shell } from "../lib/common.ts";\n${spec("example.org/shared-a", "shell")}`,
    "specs/shared-b.ts": `${header}import { shell } from "../lib/common";\n${spec("example.org/shared-b", "`${shell}-b`")}`,
    "specs/tla.ts": `${header}const shell = await Promise.resolve("/bin/tla");\n${spec("example.org/tla", "shell")}`,
    "specs/meta.ts": `${header}${spec("example.org/meta", `import.meta.url.endsWith("/specs/meta.ts") ? "/bin/meta" : "/bin/wrong"`)}`,
    "specs/helper.cjs": `module.exports = { shell: "/bin/cjs" };\n`,
    "specs/cjs.ts": `${header}import helper from "./helper.cjs";\n${spec("example.org/cjs", "helper.shell")}`,
    "node_modules/fake-pkg/index.js": `exports.shell = "/bin/far";\n`,
    "specs/pkg/node_modules/fake-pkg/index.js": `exports.shell = "/bin/near";\n`,
    "specs/far.ts": `${header}import { shell } from "fake-pkg";\n${spec("example.org/far", "shell")}`,
    "specs/pkg/near.ts": `${header}import { shell } from "fake-pkg";\n${spec("example.org/near", "shell")}`,
    "specs/builtin.ts": `${header}import path from "node:path";\n${spec("example.org/builtin", `path.posix.join("/bin", "builtin")`)}`,
    "specs/data.json": `{ "shell": "/bin/json" }\n`,
    "specs/json.ts": `${header}import data from "./data.json";\n${spec("example.org/json", "data.shell")}`,
    "specs/filename.ts": `${header}${spec("example.org/filename", `__filename.endsWith("/specs/filename.ts") ? "/bin/filename" : __filename`)}`,
    "lib/where.ts": `export const where: string = __dirname.endsWith("/lib") ? "/bin/dirname" : __dirname;\n`,
    "specs/dirname.ts": `${header}import { where } from "../lib/where.ts";\n${spec("example.org/dirname", "where")}`,
    "specs/list.ts": `${header}export default [1, 2].map((i) => defineACI({ name: \`example.org/list-\${i}\`, packages: [pkgs.busybox], exec: [\`/bin/list-\${i}\`] }));\n`,
  };
  for (let i = 0; i < 20; i++) kinds[`specs/many/s${String(i).padStart(2, "0")}.ts`] = `${header}${spec(`example.org/many-${i}`, `"/bin/many-${i}"`)}`;
  const execs = ["/bin/common", "/bin/common-b", "/bin/tla", "/bin/meta", "/bin/cjs", "/bin/far", "/bin/near", "/bin/builtin", "/bin/json", "/bin/list-1", "/bin/list-2", "/bin/filename", "/bin/dirname"];
  for (let i = 0; i < 20; i++) execs.push(`/bin/many-${i}`);

  function outputs(dir: string): string {
    const out = path.join(dir, "nix");
    return listFiles(out).map((file) => readFileSync(path.join(out, file), "utf8")).join("\n");
  }

  it("each spec's module runs as it would alone: helpers, CommonJS, packages from its own folder, JSON, lists", async () => {
    const dir = project(kinds);
    const run = await runGen(["--out-dir", "nix", "specs"], dir);
    expect(run.stderr).toContain("written");
    expect(run.code).toBe(0);
    const text = outputs(dir);
    for (const exec of execs) expect(text).toContain(`"${exec}"`);
    expect(text).not.toContain("/bin/wrong");
  });

  it("bad modules among them: each reported alone, at its file, nothing written", async () => {
    const dir = project({
      ...kinds,
      "specs/broken.ts": `${header}const x = { a: 1,, };\n${spec("example.org/broken", `"/bin/sh"`)}`,
      "specs/throws.ts": `${header}import { boom } from "./thrower.ts";\n${spec("example.org/throws", "boom")}`,
      "specs/thrower.ts": `export const boom: string = "/bin/boom";\nthrow new RangeError("thrower says no");\n`,
      "specs/bad-helper-user.ts": `${header}import { shell } from "../lib/bad.ts";\n${spec("example.org/bad-helper", "shell")}`,
      "lib/bad.ts": `export const shell = { a: 1,, };\n`,
    });
    const run = await runGen(["--out-dir", "nix", "specs"], dir);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toContain("specs/broken.ts: syntax error at line 2, column 17: Expected identifier but found \",\"");
    expect(lines.filter((line) => line.startsWith("specs/thrower.ts: the spec module threw RangeError: thrower says no"))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith("specs/throws.ts: the spec module threw RangeError: thrower says no"))).toHaveLength(1);
    expect(lines).toContain(`specs/bad-helper-user.ts: syntax error in ${path.join(dir, "lib/bad.ts")} at line 1, column 28: Expected identifier but found ","`);
    expect(lines.at(-1)).toBe("nix2aci-gen: 4 problems; nothing written");
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

  it("on the first line: the column as written (nix2aci's per-module prologue is not counted)", async () => {
    const dir = project({ "spec.ts": `const x = { a: 1,, };\n${header}${spec("example.org/x", `"/bin/sh"`)}` });
    const run = await runGen(["spec.ts"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^spec\.ts: syntax error at line 1, column 17: /);
  });
});
