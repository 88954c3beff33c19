/**
 * The README's two commands, typed verbatim into a fresh clone of this repository (HEAD): the demo
 * must print the BusyBox banner from the signed, validated image, and the test command must pass.
 * The nested test run leaves out this file (NIX2ACI_NESTED_TEST), or it would recurse forever.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gpgAgentsFor, stopGpgAgent } from "../support/gpg-agent.js";
import { repoRoot } from "../support/nix.js";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const commands = (/```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "")
  .split("\n")
  .map((line) => line.replace(/\s+#.*$/, "").trim())
  .filter((line) => line !== "");

const work = mkdtempSync(join(tmpdir(), "nix2aci-readme-"));
const clone = join(work, "nix2aci");
const userGnupg = join(work, "empty-gnupg");
afterAll(() => {
  // The demo may start the "user's" agent (this test's GNUPGHOME) while looking for a key.
  stopGpgAgent(userGnupg);
  rmSync(work, { recursive: true, force: true });
});

function runVerbatim(command: string): { status: number | null; output: string } {
  const run = spawnSync("bash", ["-c", command], {
    cwd: clone,
    encoding: "utf8",
    env: { ...process.env, NIX2ACI_NESTED_TEST: "1", GNUPGHOME: userGnupg },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

describe("the README's two commands on a fresh clone", () => {
  it("are the demo and the tests", () => {
    expect(commands).toEqual(["bash scripts/demo.sh", "npm test"]);
  });

  it("first: sets up, builds, signs, validates and runs busybox", () => {
    execFileSync("git", ["clone", "--quiet", repoRoot, clone]);
    const { status, output } = runVerbatim(commands[0] ?? "");
    expect(output).toMatch(/^BusyBox v\d/m);
    expect(output).toContain("is a valid ACI");
    expect(output).toMatch(/signed .*busybox-.*\.aci\.asc/);
    expect(status).toBe(0);
    // The demo made a throwaway key folder and must not leave its gpg-agent running.
    expect(gpgAgentsFor(join(clone, "demo-output", "gnupg"))).toEqual([]);
  });

  it("second: runs the whole test suite, green", () => {
    const { status, output } = runVerbatim(commands[1] ?? "");
    expect(output).toMatch(/Tests\s+.*\d+ passed/);
    expect(output).not.toMatch(/\d+ failed/);
    expect(status).toBe(0);
  }, 3_600_000); // the whole suite again, its e2e and flake tests building and installing for real

});
