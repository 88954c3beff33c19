/**
 * The README's "Running without rkt" command, typed as written: the thin busybox image, signed
 * into ACIs/ by its postprocess.sh and trusted for its name, runs with its `.mounts` file (the
 * globs stand for the version). nix2aci is this checkout's bin/nix2aci.js (dist/ built by npm test).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readmeCommandBlocks } from "../e2e/support.js";
import { tempDir } from "../flake/support.js";
import { createTestGnupg, type TestGnupg } from "../sign/support/gnupg.js";
import { nixBuild, repoRoot } from "../support/nix.js";

const [commands = []] = readmeCommandBlocks("## Running without rkt");

let work: string;
let gnupg: TestGnupg;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = tempDir("thin-run");
  gnupg = createTestGnupg();
  gnupg.addKey("thin", "rsa2048");
  const bin = path.join(work, "bin");
  mkdirSync(bin);
  symlinkSync(path.join(repoRoot, "bin/nix2aci.js"), path.join(bin, "nix2aci"));
  env = { ...gnupg.env, PATH: `${bin}:${process.env["PATH"] ?? ""}`, NIX2ACI_TRUST_DIR: path.join(work, "trust"), NIX2ACI_CACHE_DIR: path.join(work, "cache") };
  const [out] = await nixBuild(["examples/generated", "-A", "busyboxThin", "--arg", "pkgs", "import ./nix/host-pkgs.nix {}"]);
  execFileSync(path.join(out as string, "postprocess.sh"), [], { cwd: work, env, stdio: "pipe" });
  const key = readdirSync(path.join(work, "ACIs")).find((file) => file.startsWith("pubkey-")) as string;
  execFileSync("nix2aci", ["trust", "--prefix=nix2aci.example/busybox", path.join("ACIs", key)], { cwd: work, env, stdio: "pipe" });
}, 600_000);
afterAll(() => gnupg?.dispose());

describe("README: running a thin image", () => {
  it("is one nix2aci run with the image's .mounts file", () => {
    expect(commands).toEqual(["nix2aci run $(cat ACIs/busyboxThin-*.mounts) ACIs/busyboxThin-*.aci"]);
  });

  it("runs as written (the shell reads an empty stdin and ends), and with arguments after --", () => {
    const asWritten = spawnSync("bash", ["-c", commands[0] ?? ""], { cwd: work, env, encoding: "utf8" });
    expect(asWritten.stderr).toBe("");
    expect(asWritten.status).toBe(0);
    const run = spawnSync("bash", ["-c", `${commands[0] ?? ""} -- -c 'echo thin image ran; ls /bin/busybox'`], { cwd: work, env, encoding: "utf8" });
    expect(run.stderr).not.toMatch(/missing|not found|error/i);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("thin image ran\n/bin/busybox\n");
  });
});
