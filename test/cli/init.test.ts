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
  expect(run.stdout).toContain("npm run generate");
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
    expect(manifest.scripts["generate"]).toBe("nix2aci-gen --check --out-dir nix specs");
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

  it("refuses to overwrite any existing file, creating nothing", async () => {
    const project = tempDir("init-existing");
    writeFileSync(path.join(project, "flake.nix"), "{ }\n");
    const run = await runGen(["init", project]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("flake.nix already exists");
    expect(readFileSync(path.join(project, "flake.nix"), "utf8")).toBe("{ }\n");
    expect(() => statSync(path.join(project, "package.json"))).toThrow();
    expect(() => statSync(path.join(project, "specs"))).toThrow();
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
