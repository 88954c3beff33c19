/**
 * The README's "OCI images" commands, typed as written in a scratch folder that sees the
 * repository's nix/ and examples/: build, inspect, load, sign, verify with podman, and copy. Two
 * substitutions, both said here: `podman` is a wrapper adding a storage of its own (and runc,
 * cgroupfs), and the push goes to a local `dir:` instead of a registry (there is none here).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nixEnv, repoRoot } from "../support/nix.js";
import { createTestGnupg, type TestGnupg } from "../sign/support/gnupg.js";
import { requireContainerTools } from "./support.js";

const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const commands = (/## OCI images[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "").split("\n").filter((l) => l !== "");

const scratch = mkdtempSync(join(tmpdir(), "nix2aci-oci-readme-"));
const bin = join(scratch, "bin");
const storage = join(scratch, "podman");
const pushed = join(scratch, "pushed");
let gnupg: TestGnupg;

beforeAll(() => {
  requireContainerTools();
  symlinkSync(join(repoRoot, "nix"), join(scratch, "nix"));
  symlinkSync(join(repoRoot, "examples"), join(scratch, "examples"));
  mkdirSync(bin);
  const podman = spawnSync("sh", ["-c", "command -v podman"], { encoding: "utf8" }).stdout.trim();
  writeFileSync(
    join(bin, "podman"),
    `#!/bin/sh\nexec ${podman} --root ${storage}/root --runroot ${storage}/run --storage-driver vfs --runtime runc --cgroup-manager=cgroupfs --events-backend=none "$@"\n`,
  );
  chmodSync(join(bin, "podman"), 0o755);
  gnupg = createTestGnupg();
  gnupg.addKey("readme", "rsa2048");
});
afterAll(() => {
  spawnSync(join(bin, "podman"), ["rmi", "--all", "--force"]);
  gnupg.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

function type(command: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("bash", ["-c", command], {
    cwd: scratch,
    encoding: "utf8",
    env: { ...nixEnv, ...gnupg.env, NIX_CONFIG: nixEnv["NIX_CONFIG"], PATH: `${bin}:${process.env["PATH"] ?? ""}` },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the README's OCI commands", () => {
  it("are build, inspect, load, sign, verify and push", () => {
    expect(commands.map((c) => c.split(" ").slice(0, 2).join(" "))).toEqual([
      "nix-build examples/generated",
      "skopeo inspect",
      "podman load",
      "./result/postprocess.sh OCIs",
      "podman pull",
      "skopeo copy",
    ]);
  });

  it("work as written", () => {
    const [build, inspect, load, sign, verify, push] = commands as [string, string, string, string, string, string];
    const built = type(build);
    expect(built.status, built.stderr).toBe(0);
    expect(existsSync(join(scratch, "result", "busyboxOci-1.35.0-linux-amd64.oci", "index.json"))).toBe(true);

    const inspected = type(inspect);
    expect(inspected.status, inspected.stderr).toBe(0);
    expect((JSON.parse(inspected.stdout) as { Labels: Record<string, string> }).Labels["org.opencontainers.image.title"]).toBe("nix2aci.example/busybox");

    const loaded = type(load);
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain("Loaded image: nix2aci.example/busybox:1.35.0");

    const signed = type(sign);
    expect(signed.status, signed.stderr).toBe(0);
    expect(signed.stdout).toContain("signed  OCIs/busyboxOci-1.35.0-linux-amd64.oci.signed");

    const verified = type(verify);
    expect(verified.status, verified.stderr).toBe(0);

    const pushLine = push.replace(/docker:\/\/\S+/, `dir:${pushed}`);
    expect(pushLine).not.toBe(push);
    const copied = type(pushLine);
    expect(copied.status, copied.stderr).toBe(0);
    expect(existsSync(join(pushed, "manifest.json"))).toBe(true);
  });
});
