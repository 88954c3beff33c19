/**
 * The shipped CLI, cold: `node node_modules/nix2aci/bin/nix2aci-gen.js` of a package built like
 * the published one, in a user's project. Its specs' `import … from "nix2aci"` must be the
 * compiled package's own module (the one the CLI runs on), its default.nix must point at
 * node_modules/nix2aci/nix, and the result must build.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { nixBuild } from "../support/nix.js";
import { evalAttr, hostPkgsArg, tempDir } from "../render/support.js";
import { buildInstalledPackage } from "./installed-package.js";

let project: string;
let bin: string;

function cli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: project, encoding: "utf8", env });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  project = tempDir("installed");
  bin = buildInstalledPackage(path.join(project, "node_modules/nix2aci"));
  mkdirSync(path.join(project, "specs"));
  writeFileSync(
    path.join(project, "specs/app.ts"),
    `import { defineACI, param, pkgs, when } from "nix2aci";\n` +
      `const shell: string = "/bin/sh";\n` +
      `export default defineACI({ name: "example.org/app", params: { static: false }, ` +
      `packages: [when(param("static"), pkgs.pkgsStatic.busybox, pkgs.busybox)], exec: [shell, "-c", "echo \${HOME} ''ok''"], ` +
      `variants: { appStatic: { params: { static: true } } } });\n`,
  );
});

describe("the installed nix2aci-gen", () => {
  it("--version and --help", () => {
    expect(cli(["--version"]).stdout).toMatch(/^nix2aci-gen \d+\.\d+\.\d+/);
    expect(cli(["--help"]).code).toBe(0);
    expect(cli([]).code).toBe(2);
  });

  it("prints one spec, then writes a tree whose default.nix uses node_modules/nix2aci/nix and builds", async () => {
    const one = cli(["specs/app.ts"]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain("(if static then pkgs.pkgsStatic.busybox else pkgs.busybox)");

    const tree = cli(["--check", "--out-dir", "nix", "specs"]);
    expect(tree.code, tree.stderr).toBe(0);
    expect(tree.stdout).toBe("");
    const defaultNix = readFileSync(path.join(project, "nix/default.nix"), "utf8");
    expect(defaultNix).toContain("(import ../node_modules/nix2aci/nix { inherit pkgs; }).mkACI");
    // The same file, but for where each finds nix2aci's nix/: stdout's from the project root, the tree's from nix/.
    expect(readFileSync(path.join(project, "nix/app.nix"), "utf8")).toBe(one.stdout.replace("(import ./node_modules/nix2aci/nix", "(import ../node_modules/nix2aci/nix"));

    const manifest = evalAttr(path.join(project, "nix"), "appStatic.manifest") as { app: { exec: string[] } };
    expect(manifest.app.exec).toEqual(["/bin/sh", "-c", "echo ${HOME} ''ok''"]);
    const built = await nixBuild([path.join(project, "nix"), ...hostPkgsArg, "-A", "app"]);
    expect(built).toHaveLength(1);
  });

  it("loads a spec whose helper has top-level await and whose line 2 has a syntax error elsewhere", () => {
    writeFileSync(path.join(project, "helper.ts"), `export const shell: string = await Promise.resolve("/bin/helper");\n`);
    writeFileSync(path.join(project, "tla.ts"), `import { defineACI, pkgs } from "nix2aci";\nimport { shell } from "./helper.ts";\nexport default defineACI({ name: "example.org/tla", packages: [pkgs.busybox], exec: [shell] });\n`);
    const tla = cli(["tla.ts"]);
    expect(tla.code, tla.stderr).toBe(0);
    expect(tla.stdout).toContain('exec = [ "/bin/helper" ];');
    writeFileSync(path.join(project, "broken.ts"), `import { defineACI } from "nix2aci";\nexport default defineACI({ name: "example.org/x",, });\n`);
    const syntax = cli(["broken.ts"]);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/^broken\.ts: syntax error at line 2, column 49: /);
  });

  it("a bad spec: exit 1, file and field on stderr, nothing on stdout", () => {
    writeFileSync(path.join(project, "bad.ts"), `import { defineACI, pkgs } from "nix2aci";\nexport default defineACI({ name: "example.org/bad", packages: [pkgs.busybox], exec: ["sh"] });\n`);
    const run = cli(["bad.ts"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("bad.ts: exec[0]: must be an absolute path");
  });
});
