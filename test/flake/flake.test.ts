/**
 * The repository's flake, with nixpkgs replaced by the host-pkgs stand-in
 * (scripts/host-nixpkgs-flake.sh), as CI can run it offline:
 *   - `nix flake check` passes: every example image builds and scripts/validate-aci.sh accepts it;
 *   - its outputs are what they claim (packages = the examples, lib.mkACI and the overlay agree,
 *     both systems evaluate with their own appc arch);
 *   - `nix flake init -t` gives a project whose `nix build .#hello` makes an image actool accepts.
 * The flake is a copy of the files git would see (tracked + untracked-not-ignored): fast (no
 * node_modules) and it includes uncommitted work.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { nixEvalJson } from "../support/nix.js";
import { requireTool } from "../support/tools.js";
import { copyRepoSources, makeHostNixpkgsFlake, nixFlakes, tempDir } from "./support.js";

const system = "x86_64-linux";
let source: string;
let hostNixpkgs: string;

beforeAll(() => {
  requireTool("nix", "nix-bin");
  const work = tempDir("flake");
  source = copyRepoSources(path.join(work, "nix2aci"));
  hostNixpkgs = makeHostNixpkgsFlake(path.join(work, "host-nixpkgs"));
});

const overrideNixpkgs = () => ["--override-input", "nixpkgs", `path:${hostNixpkgs}`];

/** The `out` paths of `nix build --json` (Nix 2.8 has no --print-out-paths). */
function outPaths(json: string): string[] {
  return (JSON.parse(json) as { outputs: { out: string } }[]).map((built) => built.outputs.out);
}

/** The example attributes, read without the flake (examples/generated/default.nix). */
function exampleNames(): string[] {
  const names = nixEvalJson(`builtins.attrNames (import ./examples/generated { pkgs = import ./nix/host-pkgs.nix { }; })`);
  return names as string[];
}

/** Thin examples: the flake offers them for its first system only (their evaluation builds their closure). */
function thinExampleNames(): string[] {
  return nixEvalJson(`let ex = import ./examples/generated { pkgs = import ./nix/host-pkgs.nix { }; }; in builtins.filter (n: ex.\${n}.arguments.thin) (builtins.attrNames ex)`) as string[];
}

describe("the nix2aci flake", () => {
  it("nix flake check: every example and the template's image build and validate", async () => {
    await nixFlakes(["flake", "check", `path:${source}`, ...overrideNixpkgs()]);
    // The checks were built, not only evaluated: their outputs are in the store (no rebuild).
    const names = [...exampleNames(), "templateHello"].sort();
    expect(names.length).toBeGreaterThan(1);
    const checkOutputs = await nixFlakes(["eval", "--json", `path:${source}#checks.${system}`, "--apply", "builtins.attrNames", ...overrideNixpkgs()]);
    expect(JSON.parse(checkOutputs.stdout)).toEqual(names);
    const built = await nixFlakes([
      "build",
      "--no-link",
      "--json",
      "--option",
      "max-jobs",
      "0", // would fail if a check still had to be built
      ...names.map((name) => `path:${source}#checks.${system}.${name}`),
      ...overrideNixpkgs(),
    ]);
    expect(outPaths(built.stdout)).toHaveLength(names.length);
  });

  it("packages are the examples; lib.mkACI, overlays.default and both systems agree", async () => {
    // The lock file lets builtins.getFlake load the copy offline (only the copy gets one).
    await nixFlakes(["flake", "lock", `path:${source}`, ...overrideNixpkgs()]);
    const probe = await nixFlakes([
      "eval",
      "--impure",
      "--json",
      "--expr",
      `let
        flake = builtins.getFlake "path:${source}";
        on = system: let
          pkgs = flake.inputs.nixpkgs.legacyPackages.\${system};
          args = { name = "example.com/probe"; packages = [ pkgs.busybox ]; exec = [ "/bin/busybox" "true" ]; };
          viaLib = flake.lib.mkACI pkgs args;
          overlaid = let final = pkgs // flake.overlays.default final pkgs; in final.mkACI args;
        in {
          packages = builtins.attrNames flake.packages.\${system};
          areDerivations = builtins.all (p: p.type or null == "derivation") (builtins.attrValues flake.packages.\${system});
          arch = builtins.head (builtins.filter (l: l.name == "arch") viaLib.manifest.labels);
          sameDrv = viaLib.drvPath == overlaid.drvPath;
          name = viaLib.manifest.name;
        };
      in { x86_64-linux = on "x86_64-linux"; aarch64-linux = on "aarch64-linux"; template = flake.templates.default.description; }`,
    ]);
    const result = JSON.parse(probe.stdout) as Record<string, { packages: string[]; areDerivations: boolean; arch: { value: string }; sameDrv: boolean; name: string }> & { template: string };
    const names = exampleNames();
    const thin = thinExampleNames();
    expect(thin).toEqual(["busyboxThin"]);
    for (const [sys, arch] of [["x86_64-linux", "amd64"], ["aarch64-linux", "aarch64"]] as const) {
      const on = result[sys];
      expect(on?.packages, sys).toEqual(sys === "x86_64-linux" ? names : names.filter((name) => !thin.includes(name)));
      expect(on?.areDerivations, sys).toBe(true);
      expect(on?.arch.value, sys).toBe(arch);
      expect(on?.sameDrv, sys).toBe(true);
      expect(on?.name, sys).toBe("example.com/probe");
    }
    expect(result.template).toMatch(/nix2aci-gen init/);
  });

  it("nix flake init -t: the new project builds its image, and actool accepts it", async () => {
    const actool = requireTool("actool", "appc-spec");
    requireTool("git", "git");
    // `flake init` locks the template's flake without --override-input: give the copy a lock file.
    await nixFlakes(["flake", "lock", `path:${source}`, ...overrideNixpkgs()]);
    const project = path.join(tempDir("flake-init"), "my-images");
    execFileSync("mkdir", ["-p", project]);
    await nixFlakes(["flake", "init", "-t", `path:${source}`], project);
    expect(readdirSync(project).sort()).toEqual([".gitignore", "flake.nix", "nix", "package.json", "specs"]);

    // A user's project is a git repository; its flake sees the files added to it.
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: project, stdio: "pipe" });
    git("init", "-q");
    git("add", "-A");
    const build = await nixFlakes(
      ["build", ".#hello", "--no-link", "--json", "--override-input", "nix2aci", `path:${source}`, ...overrideNixpkgs()],
      project,
    );
    const [out] = outPaths(build.stdout) as [string];
    const images = readdirSync(out).filter((file) => file.endsWith(".aci"));
    expect(images).toEqual([expect.stringMatching(/^hello-.*-linux-amd64\.aci$/)]);
    const image = path.join(out, images[0] as string);
    execFileSync(actool, ["validate", image], { stdio: "pipe" });
    const manifest = JSON.parse(execFileSync("tar", ["-xOf", image, "manifest"], { encoding: "utf8" })) as { name: string; app: { exec: string[] } };
    expect(manifest.name).toBe("example.com/hello");
    expect(manifest.app.exec).toEqual(["/bin/busybox", "sh", "-c", "echo hello from an App Container Image"]);
  });
});
