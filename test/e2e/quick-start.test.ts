/**
 * The README's "Quick start in your own project", typed verbatim, in order, into a fresh folder on
 * this machine (which has no <nixpkgs>), as a new user would: the one substitution is the package
 * itself, installed from the packed tarball (`npm pack`) since it is not in the registry. The
 * user's gpg has an RSA key; trusted keys and the image cache go to throwaway folders.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, realpathSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "../support/tools.js";
import { tempDir } from "../flake/support.js";
import { packTarball } from "../pack/support.js";
import { createTestGnupg, type TestGnupg } from "../sign/support/gnupg.js";
import { readmeCommandBlocks, typeCommands } from "./support.js";

const [commands = []] = readmeCommandBlocks("## Quick start in your own project");

let tarball: string;
let project: string;
let gnupg: TestGnupg;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireTool("actool", "appc-spec");
  ({ tarball } = await packTarball());
  project = path.join(tempDir("quick-start"), "my-images");
  mkdirSync(project);
  gnupg = createTestGnupg();
  gnupg.addKey("quick", "rsa3072");
  const work = tempDir("quick-start-state");
  // NIX_PATH emptied: the machine must have no <nixpkgs>, as the Quick start promises it works then.
  env = { ...gnupg.env, NIX_PATH: "", NIX2ACI_TRUST_DIR: path.join(work, "trust"), NIX2ACI_CACHE_DIR: path.join(work, "cache"), npm_config_audit: "false", npm_config_fund: "false" };
}, 300_000);

afterAll(() => gnupg?.dispose());

describe("README: Quick start in your own project", () => {
  it("is the six commands of a new project: npm init, install, init, build, trust, run", () => {
    expect(commands.map((command) => command.split(" ").slice(0, 2).join(" "))).toEqual(["npm init", "npm install", "npx nix2aci-gen", "npx nix2aci", "npx nix2aci", "npx nix2aci"]);
  });

  it("typed in order: every command succeeds, the image is built, signed, valid and runs", () => {
    expect(spawnSync("nix-instantiate", ["--find-file", "nixpkgs"], { env }).status).not.toBe(0);
    const [, , init, build, trust, ran] = typeCommands(commands, project, env, tarball);
    expect(init).toContain("Created specs/hello.ts, flake.nix, .gitignore.");
    expect(build).toContain("nix2aci build: building with nix2aci's host package set");
    expect(build).toMatch(/^hello +ACIs\/hello-[^ ]+-linux-[a-z0-9]+\.aci +[\d.]+ \S+ +[0-9A-F]{40}$/m);
    expect(trust).toMatch(/^trusted [0-9a-f]{40} \(quick <quick@nix2aci\.test>; RSA\) for image names under 'example\.com\/hello'/m);
    expect(ran).toContain("hello from an App Container Image");

    const images = readdirSync(path.join(project, "ACIs")).filter((file) => file.endsWith(".aci"));
    expect(images).toHaveLength(1);
    const image = path.join(project, "ACIs", images[0] as string);
    execFileSync("actool", ["validate", image], { stdio: "pipe" });
    expect(readdirSync(path.join(project, "ACIs"))).toContain(`${images[0]}.asc`);
    // The link is an indirect GC root of the store path holding the image.
    const roots = execFileSync("nix-store", ["--query", "--roots", path.dirname(realpathSync(image))], { encoding: "utf8" });
    expect(roots).toContain(image);
  });
});
