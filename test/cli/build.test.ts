/**
 * `nix2aci build` in an init'd project (node_modules/nix2aci is this repository): attributes by
 * name, Nix options passed through, postprocess.sh's flags, the summary as JSON, ACIs/ links that
 * the Nix garbage collector may not take, and failures as one line with the right exit status.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot, requireNix } from "../support/nix.js";
import { tempDir } from "../render/support.js";
import { runGen, runNix2aci } from "./support.js";

let project: string;

beforeAll(async () => {
  requireNix();
  project = path.join(tempDir("build"), "images");
  expect((await runGen(["init", project])).code).toBe(0);
  mkdirSync(path.join(project, "node_modules"));
  symlinkSync(repoRoot, path.join(project, "node_modules/nix2aci"));
});

const build = (args: readonly string[]) => runNix2aci(["build", ...args], project);

describe("nix2aci build", () => {
  it("generates, builds the named attribute with Nix options passed through, links it into ACIs/ as a GC root", async () => {
    const run = await build(["--no-sign", "--json", "--max-jobs", "1", "--cores", "1", "--option", "substituters", "", "--acis", "out", "hello"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("nix2aci-gen: nix: 2 written, 0 unchanged");
    expect(run.stderr).toContain("nix2aci build: building with nix2aci's host package set");
    const summary = JSON.parse(run.stdout) as { attribute: string; image: string; size: number; signedBy: string | null }[];
    expect(summary).toEqual([{ attribute: "hello", image: expect.stringMatching(/^out\/hello-.*-linux-[a-z0-9]+\.aci$/), size: expect.any(Number), signedBy: null }]);
    const link = path.join(project, summary[0]?.image as string);
    const storePath = path.dirname(readlinkSync(link));
    // The garbage collector may not take the image while the link exists (`result` or not).
    const refused = spawnSync("nix-store", ["--delete", storePath], { encoding: "utf8" });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/still alive/);
    expect(execFileSync("nix-store", ["--query", "--roots", storePath], { encoding: "utf8" })).toContain(link);
    // Specs unchanged: nothing regenerated.
    expect((await build(["--no-sign", "--acis", "out", "hello"])).stderr).toContain("nix2aci-gen: nix: 0 written, 2 unchanged");
  });

  it("names the spec file and field of a package the package set lacks, before building or writing", async () => {
    const specs = path.join(project, "missing-package", "specs");
    mkdirSync(specs, { recursive: true });
    const hello = readFileSync(path.join(project, "specs/hello.ts"), "utf8");
    expect(hello).toContain("[pkgs.busybox]");
    writeFileSync(path.join(specs, "hello.ts"), hello.replace("[pkgs.busybox]", "[pkgs.busybox, pkgs.doesnotexist.bin]"));
    const outTree = path.join(path.dirname(specs), "nix");
    const run = await build(["--no-sign", "--specs", specs, "--nix", outTree]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`: packages[1]: pkgs.doesnotexist.bin does not exist in the package set (pkgs has no attribute "doesnotexist")`);
    expect(run.stderr).toMatch(/missing-package\/specs\/hello\.ts: packages\[1\]/);
    expect(existsSync(outTree)).toBe(false);
    // nix2aci-gen --check asks the same of Nix; without --check it only renders.
    const checked = await runGen(["--check", path.join(specs, "hello.ts")], project);
    expect(checked).toMatchObject({ code: 1, stdout: "" });
    expect(checked.stderr).toContain("packages[1]: pkgs.doesnotexist.bin does not exist in the package set");
    expect((await runGen([path.join(specs, "hello.ts")], project)).code).toBe(0);
    rmSync(path.dirname(specs), { recursive: true, force: true });
  });

  it("bad usage exits 2, a failed build 1, each with one line of its own", async () => {
    const pair = await build(["--option", "cores"]);
    expect(pair).toMatchObject({ code: 2, stdout: "" });
    expect(pair.stderr).toBe("nix2aci build: --option needs two values, NAME and VALUE (see 'nix2aci build --help')\n");
    const missing = await build(["--no-sign", "nosuch"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr.trim().split("\n").at(-1)).toBe("nix2aci build: nix-build failed (exit status 1); its log is above");
    const noSpecs = await build(["--specs", "elsewhere"]);
    expect(noSpecs.code).toBe(2);
    expect(noSpecs.stderr).toMatch(/^nix2aci build: elsewhere: no such folder/);
  });
});
