/**
 * The README's "Quick start in your own project", typed verbatim, in order, in a fresh folder that
 * holds a clone of nix2aci, on this machine (which has no <nixpkgs>), as a new user would: the
 * clone is packed with `npm pack`, the project made beside it installs that tarball. The one
 * substitution: `npm ci` in the clone is a link to this checkout's node_modules (no registry
 * here). The user's gpg has an RSA key; trusted keys and the image cache go to throwaway folders.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, realpathSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "../support/tools.js";
import { tempDir } from "../flake/support.js";
import { createTestGnupg, type TestGnupg } from "../sign/support/gnupg.js";
import { cloneBeside, readmeCommandBlocks, typeCommands, withoutNpmCi } from "./support.js";

const [commands = []] = readmeCommandBlocks("## Quick start in your own project");
const [standalone = []] = readmeCommandBlocks("### One spec, one file");

let work: string;
let project: string;
let gnupg: TestGnupg;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireTool("actool", "appc-spec");
  work = tempDir("quick-start");
  cloneBeside(work);
  project = path.join(work, "my-images");
  gnupg = createTestGnupg();
  gnupg.addKey("quick", "rsa3072");
  const state = tempDir("quick-start-state");
  // NIX_PATH emptied: the machine must have no <nixpkgs>, as the Quick start promises it works then.
  env = { ...gnupg.env, NIX_PATH: "", NIX2ACI_TRUST_DIR: path.join(state, "trust"), NIX2ACI_CACHE_DIR: path.join(state, "cache"), npm_config_audit: "false", npm_config_fund: "false" };
}, 300_000);

afterAll(() => gnupg?.dispose());

describe("README: Quick start in your own project", () => {
  it("packs the clone, then the six commands of a new project beside it: npm init, install of the tarball, init, build, trust, run", () => {
    expect(commands.map((command) => command.split(" ").slice(0, 2).join(" "))).toEqual(["(cd nix2aci", "mkdir my-images", "npm init", "npm install", "npx nix2aci-gen", "npx nix2aci", "npx nix2aci", "npx nix2aci"]);
    expect(commands[0]).toBe("(cd nix2aci && npm ci && npm pack)");
    expect(commands[3]).toBe("npm install --save-dev ../nix2aci/nix2aci-*.tgz");
  });

  it("typed in order: every command succeeds, the image is built, signed, valid and runs", () => {
    expect(spawnSync("nix-instantiate", ["--find-file", "nixpkgs"], { env }).status).not.toBe(0);
    const [packed, , , , init, build, trust, ran] = typeCommands(commands, work, env, withoutNpmCi);
    expect(packed).toMatch(/^nix2aci-\d+\.\d+\.\d+\.tgz$/m);
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

  it("then, in that project: one spec's file built on its own with the host package set (no <nixpkgs>), and signed", () => {
    expect(standalone.map((command) => command.split(" ")[0])).toEqual(["npx", "export", "nix-build", "./result/postprocess.sh"]);
    expect(standalone[2]).toBe("nix-build busybox.nix --arg pkgs 'import ./node_modules/nix2aci/nix/host-pkgs.nix {}'");
    const [, , built, signed] = typeCommands(standalone, project, env);
    expect(built).toMatch(/^\/nix\/store\/\S+$/m);
    expect(signed).toMatch(/^signed {2}ACIs\/busybox-\S+-linux-amd64\.aci\.asc/m);
    const image = readdirSync(path.join(project, "ACIs")).find((file) => /^busybox-.*\.aci$/.test(file)) as string;
    execFileSync("actool", ["validate", path.join(project, "ACIs", image)], { stdio: "pipe" });
  });
});
