/**
 * The README's "The same project as a flake", typed verbatim in a fresh folder on this machine
 * (no network, no nixpkgs): the offline block in order, nix2aci installed from the packed tarball
 * (the one substitution). The online block cannot run here: it must be the offline one without
 * its two offline-only lines and its nixpkgs override. Then the template sentence: `nix flake init
 * -t path:…/templates` of the installed package, in an empty folder.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "../support/tools.js";
import { readmeCommandBlocks, typeCommands } from "../e2e/support.js";
import { packTarball } from "../pack/support.js";
import { createTestGnupg, type TestGnupg } from "../sign/support/gnupg.js";
import { gpgvAccepts } from "../sign/support/tree.js";
import { tempDir } from "./support.js";

const [online = [], offline = []] = readmeCommandBlocks("### The same project as a flake");
const offlineOnly = (command: string): boolean => command.startsWith("export NIX_CONFIG=") || command.includes("host-nixpkgs-flake.sh");

let tarball: string;
let work: string;
let gnupg: TestGnupg;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireTool("nix", "nix-bin");
  requireTool("git", "git");
  ({ tarball } = await packTarball());
  work = tempDir("flake-quick-start");
  gnupg = createTestGnupg();
  gnupg.addKey("flake", "rsa3072");
  env = { ...gnupg.env, NIX_PATH: "", NIX_CONFIG: "", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" };
}, 300_000);

afterAll(() => gnupg?.dispose());

describe("README: the same project as a flake", () => {
  it("online is offline without the offline-only lines and the nixpkgs override", () => {
    expect(offline.length).toBeGreaterThan(5);
    const expected = offline.filter((command) => !offlineOnly(command)).map((command) => command.replace(" --override-input nixpkgs path:../host-nixpkgs", ""));
    expect(online).toEqual(expected);
    expect(offline.filter(offlineOnly)).toHaveLength(2);
  });

  it("offline, typed in order: the flake builds the image and postprocess.sh signs it", () => {
    const project = path.join(work, "my-images");
    mkdirSync(project);
    const outputs = typeCommands(offline, project, env, tarball);
    expect(outputs.join("\n")).toMatch(/^signed {2}ACIs\/hello-.*\.aci\.asc \(key [0-9A-F]{40}\)$/m);
    const images = readdirSync(path.join(project, "result")).filter((file) => file.endsWith(".aci"));
    expect(images).toEqual([expect.stringMatching(/^hello-.*-linux-[a-z0-9]+\.aci$/)]);
    const image = path.join(project, "ACIs", images[0] as string);
    execFileSync(requireTool("actool", "appc-spec"), ["validate", image], { stdio: "pipe" });
    const key = readdirSync(path.join(project, "ACIs")).find((file) => file.startsWith("pubkey-")) as string;
    expect(gpgvAccepts(`${image}.asc`, image, [readFileSync(path.join(project, "ACIs", key), "utf8")], gnupg.env)).toBe(true);
  });

  it("the template: `nix flake init -t path:…/templates` of the installed package, in an empty folder, offline", () => {
    const empty = path.join(work, "from-template");
    mkdirSync(empty);
    const templates = path.join(work, "my-images/node_modules/nix2aci/templates");
    typeCommands([`nix --extra-experimental-features 'nix-command flakes' flake init -t path:${templates}`], empty, env, tarball);
    for (const file of ["flake.nix", "package.json", "specs/hello.ts", "nix/default.nix", "nix/hello.nix"]) expect(existsSync(path.join(empty, file)), file).toBe(true);
  });
});
