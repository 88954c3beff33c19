/**
 * The npm package as a user gets it: `npm pack` (its `prepack` compiles lib/ into dist/) of a copy
 * of the files git sees, then `npm install <tarball>` into an empty project, dependencies from the
 * registry. The tarball must hold only what "files" in package.json promises, everything the CLI
 * and library need, and its nix2aci-gen must render the busybox example exactly as the repository's
 * examples/generated has it, into Nix files that evaluate and build against the installed nix/.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { nixBuild, nixEvalJson, repoRoot } from "../support/nix.js";
import { requireTool } from "../support/tools.js";
import { tempDir } from "../flake/support.js";
import { npm, packTarball } from "./support.js";

let tarball: string;
let packed: readonly string[];
let project: string;

/** `npx BIN ARGS` in the scratch project (the installed package's bin). */
function npx(args: readonly string[], cwd: string = project): string {
  return execFileSync("npx", ["--no-install", ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

beforeAll(async () => {
  ({ tarball, files: packed } = await packTarball());
  project = path.join(tempDir("pack-install"), "scratch");
  mkdirSync(project);
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  await npm(["install", "--no-audit", "--no-fund", "--loglevel=error", tarball], project);
}, 240_000);

describe("npm pack", () => {
  it("holds only what package.json's \"files\" names, and everything a user needs", () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { files: string[]; bin: Record<string, string> };
    const allowed = (file: string) => file === "package.json" || manifest.files.some((entry) => file === entry || file.startsWith(`${entry}/`));
    expect(packed.filter((file) => !allowed(file))).toEqual([]);
    expect(packed.filter((file) => /(^|\/)(test|bench|examples|node_modules)\//.test(file) || file.startsWith("lib/"))).toEqual([]);
    // dist/ holds compiled JavaScript and declarations, one pair per lib/ source.
    expect(packed.filter((file) => file.startsWith("dist/") && !/\.(js|d\.ts)$/.test(file))).toEqual([]);
    for (const file of packed.filter((name) => name.startsWith("dist/lib/"))) {
      const source = file.replace(/^dist\//, "").replace(/\.(js|d\.ts)$/, ".ts");
      expect(existsSync(path.join(repoRoot, source)), `${file} has no source ${source}`).toBe(true);
    }
    const needed = [
      "package.json", "README.md", "LICENSE", "CHANGELOG.md",
      ...Object.values(manifest.bin).map((bin) => bin.replace(/^\.\//, "")),
      "dist/lib/index.js", "dist/lib/index.d.ts", "dist/lib/cli/gen.js", "dist/lib/cli/nix2aci.js",
      "nix/default.nix", "nix/mkACI.nix", "nix/build-aci.sh", "nix/postprocess.sh", "nix/lib/manifest.nix",
      "templates/init/flake.nix.hbs", "templates/init/package.json.hbs", "templates/init/specs/hello.ts.hbs",
      "templates/nix/default.nix.hbs", "templates/nix/spec-file.nix.hbs", "scripts/host-nixpkgs-flake.sh",
    ];
    expect(needed.filter((file) => !packed.includes(file)), "missing from the tarball").toEqual([]);
  });

  it("installs: both commands run and the library imports", () => {
    expect(npx(["nix2aci-gen", "--version"])).toMatch(/^nix2aci-gen 0\.1\.0\n$/);
    expect(npx(["nix2aci", "--help"])).toMatch(/^usage: nix2aci <command>/);
    const exported = execFileSync(process.execPath, ["--input-type=module", "-e", `const m = await import("nix2aci"); console.log(typeof m.defineACI, typeof m.renderACI)`], { cwd: project, encoding: "utf8" });
    expect(exported).toBe("function function\n");
  });

  it("renders the busybox example as examples/generated has it, and the result builds", async () => {
    requireTool("actool", "appc-spec");
    const spec = path.join(project, "pkgs/linux/busybox.ts");
    mkdirSync(path.dirname(spec), { recursive: true });
    cpSync(path.join(repoRoot, "examples/pkgs/linux/busybox.ts"), spec);
    // Each file's default mkACI is nix2aci's nix/ as seen from where the file is: that line differs.
    const nixDirLine = /(mkACI \? \(import )\S+( \{ inherit pkgs; \}\)\.mkACI)/;
    const sameNixDir = (text: string): string => text.replace(nixDirLine, "$1NIX$2");
    const expected = sameNixDir(readFileSync(path.join(repoRoot, "examples/generated/linux/busybox.nix"), "utf8"));

    // One file on stdout: the header names the spec as given on the command line, nothing else differs.
    const printed = sameNixDir(npx(["nix2aci-gen", "busybox.ts"], path.dirname(spec)));
    const [printedHeader, ...printedBody] = printed.split("\n");
    const [expectedHeader, ...expectedBody] = expected.split("\n");
    expect(printedBody).toEqual(expectedBody);
    expect(expectedHeader).toContain(" from linux/busybox.ts.");
    expect(printedHeader).toBe(expectedHeader?.replace(" from linux/busybox.ts.", " from busybox.ts."));

    // A tree, as the repository's examples are written: byte for byte, header included.
    npx(["nix2aci-gen", "--check", "--out-dir", "generated", "pkgs"]);
    const written = readFileSync(path.join(project, "generated/linux/busybox.nix"), "utf8");
    expect(written).toContain("mkACI ? (import ../../node_modules/nix2aci/nix { inherit pkgs; }).mkACI,");
    expect(sameNixDir(written)).toBe(expected);
    const defaultNix = readFileSync(path.join(project, "generated/default.nix"), "utf8");
    expect(defaultNix).toContain("(import ../node_modules/nix2aci/nix { inherit pkgs; }).mkACI");

    // Evaluated and built with the installed package's own nix/ folder.
    const pkgsArg = `import ${path.join(repoRoot, "nix/host-pkgs.nix")} { }`;
    const manifests = nixEvalJson(
      // An OCI image keeps the appc manifest its config is mapped from as appcManifest.
      `builtins.mapAttrs (name: image: image.manifest or image.appcManifest) (import ${path.join(project, "generated")} { pkgs = ${pkgsArg}; })`,
    ) as Record<string, { name: string }>;
    expect(Object.keys(manifests).sort()).toEqual(["busybox", "busyboxOci", "busyboxStatic", "busyboxThin"]);
    expect(manifests["busyboxOci"]?.name).toBe("nix2aci.example/busybox");
    expect(manifests["busybox"]?.name).toBe("nix2aci.example/busybox");
    const [out] = (await nixBuild([path.join(project, "generated"), "--arg", "pkgs", pkgsArg, "-A", "busybox"])) as [string];
    const images = readdirSync(out).filter((file) => file.endsWith(".aci"));
    expect(images).toEqual([expect.stringMatching(/^busybox-/)]);
    execFileSync("actool", ["validate", path.join(out, images[0] as string)], { stdio: "pipe" });
  });
});
