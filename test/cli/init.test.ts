/**
 * `nix2aci-gen init`: the scaffold is a working project. Its spec generates, its default.nix
 * builds with nix/host-pkgs.nix, and its flake.nix builds the image with nix2aci as a flake input
 * (nixpkgs replaced by a flake wrapping host-pkgs, nix2aci by a copy of this repository's flake).
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { nixBuild, nixEnv, repoRoot, requireNix } from "../support/nix.js";
import { evalAttr, hostPkgsArg, nixParse, tempDir } from "../render/support.js";
import { runGen } from "./support.js";

const execFileAsync = promisify(execFile);
const system = `${process.arch === "arm64" ? "aarch64" : "x86_64"}-linux`;
const version = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

/** A new project from `init`, with node_modules/nix2aci pointing at this repository. */
async function scaffold(name: string): Promise<string> {
  const project = path.join(tempDir("init"), name);
  const run = await runGen(["init", project]);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toContain(`Created specs/hello.ts, package.json, flake.nix, .gitignore in ${project}.`);
  mkdirSync(path.join(project, "node_modules"));
  symlinkSync(repoRoot, path.join(project, "node_modules/nix2aci"));
  return project;
}

describe("nix2aci-gen init", () => {
  it("writes a spec, package.json, flake.nix and .gitignore", async () => {
    const project = await scaffold("My Images!");
    const manifest = JSON.parse(readFileSync(path.join(project, "package.json"), "utf8")) as {
      name: string;
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(manifest.name).toBe("my-images");
    expect(manifest.scripts).toEqual({ generate: "nix2aci-gen --check --out-dir nix specs", build: "nix2aci build" });
    expect(manifest.devDependencies["nix2aci"]).toBe(`^${version}`);
    expect(readFileSync(path.join(project, ".gitignore"), "utf8")).toContain("node_modules/");
    nixParse(path.join(project, "flake.nix"));
    expect(readFileSync(path.join(project, "flake.nix"), "utf8")).toContain('description = "my-images: App Container Images built with nix2aci";');
  });

  it("--flake-url lands in flake.nix as an exact Nix string", async () => {
    const project = path.join(tempDir("init-url"), "p");
    const run = await runGen(["init", "--flake-url", 'git+https://example.org/n"${x}\\.git', project]);
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(project, "flake.nix"), "utf8")).toContain('nix2aci.url = "git+https://example.org/n\\"\\${x}\\\\.git";');
  });

  it("adds to a folder `npm init -y` made: scripts and dev dependency merged, the user's files kept", async () => {
    const project = tempDir("init-npm");
    const npmInit = { name: "mine", version: "1.0.0", description: "", main: "index.js", scripts: { test: "echo \"Error: no test specified\" && exit 1" }, keywords: [], author: "", license: "ISC" };
    writeFileSync(path.join(project, "package.json"), `${JSON.stringify(npmInit, null, 2)}\n`);
    writeFileSync(path.join(project, ".gitignore"), "dist\nnode_modules/\n");
    writeFileSync(path.join(project, "index.js"), "console.log(1);\n");
    const run = await runGen(["init"], project);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      "Created specs/hello.ts, flake.nix.\nUpdated package.json (scripts generate, build, devDependencies nix2aci), .gitignore (3 lines).\n" +
        "Next: npm install && npx nix2aci build\n",
    );
    const manifest = JSON.parse(readFileSync(path.join(project, "package.json"), "utf8")) as typeof npmInit & { devDependencies: Record<string, string> };
    expect(manifest).toEqual({
      ...npmInit,
      scripts: { ...npmInit.scripts, generate: "nix2aci-gen --check --out-dir nix specs", build: "nix2aci build" },
      devDependencies: { nix2aci: `^${version}` },
    });
    expect(readFileSync(path.join(project, ".gitignore"), "utf8")).toBe("dist\nnode_modules/\n# nix2aci: build results, signed images\nresult\nresult-*\nACIs/\n");
    expect(readFileSync(path.join(project, "index.js"), "utf8")).toBe("console.log(1);\n");
    // Again: nothing to add, nothing written.
    const again = await runGen(["init"], project);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("Already there: specs/hello.ts, package.json, flake.nix, .gitignore.\nNext: npm install && npx nix2aci build\n");
  });

  it("refuses, writing nothing, when one of its files would replace a different one; --force replaces it", async () => {
    const project = tempDir("init-existing");
    writeFileSync(path.join(project, "flake.nix"), "{ }\n");
    writeFileSync(path.join(project, "package.json"), `{ "name": "x", "scripts": { "build": "make" } }\n`);
    const run = await runGen(["init", project]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `nix2aci-gen init: nothing written: package.json: scripts.build is "make", not "nix2aci build"; flake.nix exists and differs from nix2aci's (--force replaces them)\n`,
    );
    expect(readFileSync(path.join(project, "flake.nix"), "utf8")).toBe("{ }\n");
    expect(() => statSync(path.join(project, "specs"))).toThrow();
    expect(() => statSync(path.join(project, ".gitignore"))).toThrow();

    const forced = await runGen(["init", "--force", project]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`Updated package.json (scripts generate, build, devDependencies nix2aci), flake.nix in ${project}.`);
    expect(forced.stdout).toContain(`Next: cd ${project} && npm install && npx nix2aci build`);
    expect(readFileSync(path.join(project, "flake.nix"), "utf8")).toContain("nix2aci.lib.mkACI");
    expect((JSON.parse(readFileSync(path.join(project, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["build"]).toBe("nix2aci build");
  });

  it("a package.json that is not JSON: exit 1 naming it, nothing written", async () => {
    const project = tempDir("init-broken");
    writeFileSync(path.join(project, "package.json"), "{ broken");
    const run = await runGen(["init", project]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^nix2aci-gen init: package\.json: cannot add nix2aci's scripts: .*JSON/);
    expect(() => statSync(path.join(project, "flake.nix"))).toThrow();
  });

  it("the scaffold generates and builds, with nix-build and as a flake", async () => {
    requireNix();
    const project = await scaffold("images");
    const generate = await runGen(["--check", "--out-dir", "nix", "specs"], project);
    expect(generate.code, generate.stderr).toBe(0);
    expect(readFileSync(path.join(project, "nix/default.nix"), "utf8")).toContain("../node_modules/nix2aci/nix");
    const manifest = evalAttr(path.join(project, "nix"), "hello.manifest") as { name: string };
    expect(manifest.name).toBe("example.com/hello");
    const [built] = await nixBuild([path.join(project, "nix"), ...hostPkgsArg, "-A", "hello"]);
    expect(statSync(path.join(built as string, "postprocess.sh")).isFile()).toBe(true);

    // Flake inputs: a nixpkgs made of host-pkgs, and nix2aci's own flake.nix with its nix/ folder.
    const fakeNixpkgs = tempDir("init-nixpkgs");
    cpSync(path.join(repoRoot, "nix/host-pkgs.nix"), path.join(fakeNixpkgs, "host-pkgs.nix"));
    cpSync(path.join(repoRoot, "nix/host-pkgs"), path.join(fakeNixpkgs, "host-pkgs"), { recursive: true });
    cpSync("/var/lib/dpkg/status", path.join(fakeNixpkgs, "dpkg-status"));
    writeFileSync(
      path.join(fakeNixpkgs, "flake.nix"),
      `{ outputs = { self }: { legacyPackages.${system} = import ./host-pkgs.nix { system = "${system}"; dpkgStatus = ./dpkg-status; }; }; }\n`,
    );
    const nix2aci = tempDir("init-nix2aci");
    cpSync(path.join(repoRoot, "flake.nix"), path.join(nix2aci, "flake.nix"));
    cpSync(path.join(repoRoot, "nix"), path.join(nix2aci, "nix"), { recursive: true });
    const { stdout } = await execFileAsync(
      "nix",
      ["--extra-experimental-features", "nix-command flakes", "build", "--no-link", "--json", `.#packages.${system}.hello`,
        "--override-input", "nixpkgs", `path:${fakeNixpkgs}`, "--override-input", "nix2aci", `path:${nix2aci}`],
      { cwd: project, env: nixEnv, encoding: "utf8" },
    );
    const [result] = JSON.parse(stdout) as { outputs: { out: string } }[];
    expect(readdirSync(result?.outputs.out as string).filter((file) => /^hello-.+-linux-.+\.aci$/.test(file))).toHaveLength(1);
  });
});
