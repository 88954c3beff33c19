/**
 * `nix2aci build` in an init'd project (node_modules/nix2aci is this repository): attributes by
 * name, Nix options passed through, postprocess.sh's flags, the summary as JSON, ACIs/ links that
 * the Nix garbage collector may not take, and failures as one line with the right exit status.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot, requireNix } from "../support/nix.js";
import { tempDir } from "../render/support.js";
import { requireTool } from "../support/tools.js";
import { createTestGnupg } from "../sign/support/gnupg.js";
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
    expect(summary).toEqual([{ attribute: "hello", format: "aci", image: expect.stringMatching(/^out\/hello-.*-linux-[a-z0-9]+\.aci$/), size: expect.any(Number), signedBy: null, signature: null }]);
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

  it("lists every attribute built, OCI images too (archive, size, signer), in the table and in --json; a removed spec's file goes", async () => {
    requireTool("skopeo", "skopeo");
    const specs = path.join(project, "with-oci", "specs");
    mkdirSync(specs, { recursive: true });
    const hello = readFileSync(path.join(project, "specs/hello.ts"), "utf8");
    expect(hello).toMatch(/exec: \[[^\]]*\],\n/);
    writeFileSync(path.join(specs, "hello.ts"), hello.replace(/(exec: \[[^\]]*\],\n)/, '$1  variants: { helloOci: { format: "oci" } },\n'));
    writeFileSync(path.join(specs, "gone.ts"), hello.replace("example.com/hello", "example.com/gone"));
    const tree = path.join(path.dirname(specs), "nix");
    const gnupg = createTestGnupg();
    const saved = { ...process.env };
    try {
      const key = gnupg.addKey("builder", "rsa2048");
      // postprocess.sh (a child of this process) signs with the test key.
      Object.assign(process.env, gnupg.env);
      const json = await build(["--json", "--specs", specs, "--nix", tree, "--acis", "signed"]);
      expect(json.code, json.stderr).toBe(0);
      const images = JSON.parse(json.stdout) as { attribute: string; format: string; image: string; size: number; signedBy: string | null; signature: string | null }[];
      expect(images.map((image) => image.attribute).sort()).toEqual(["gone", "hello", "helloOci"]);
      const oci = images.find((image) => image.attribute === "helloOci");
      expect(oci).toEqual({
        attribute: "helloOci",
        format: "oci",
        image: expect.stringMatching(/^signed\/helloOci-.*-linux-[a-z0-9]+\.oci\.tar$/),
        size: statSync(path.join(project, oci?.image ?? "-")).size,
        signedBy: key.fingerprint,
        signature: oci?.image.replace(/\.tar$/, ".signed"),
      });
      expect(existsSync(path.join(project, oci?.signature ?? "-", "signature-1"))).toBe(true);
      const aci = images.find((image) => image.attribute === "hello");
      expect(aci).toMatchObject({ format: "aci", image: expect.stringMatching(/^signed\/hello-.*\.aci$/), signedBy: key.fingerprint, signature: `${aci?.image ?? "-"}.asc` });

      // The table: one row per attribute, with the same file and signer.
      rmSync(path.join(specs, "gone.ts"));
      const table = await build(["--specs", specs, "--nix", tree, "--acis", "signed"]);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stderr).toContain("removed gone.nix (generated from a spec that is gone)");
      expect(existsSync(path.join(tree, "gone.nix"))).toBe(false);
      const rows = table.stdout.trim().split("\n");
      expect(rows[0]).toMatch(/^attribute +image +size +signed by$/);
      expect(rows.slice(1).map((row) => row.split(/ +/)[0]).sort()).toEqual(["hello", "helloOci"]);
      expect(rows).toContainEqual(expect.stringMatching(new RegExp(`^helloOci +${oci?.image.replace(/\./g, "\\.") ?? "-"} +[\\d.]+ \\S+ +${key.fingerprint}$`)));
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
      gnupg.dispose();
      rmSync(path.dirname(specs), { recursive: true, force: true });
    }
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
