/**
 * The README's "OCI images" commands, typed in order into one shell in a scratch folder that sees
 * the repository's nix/ and examples/: build, inspect, load, sign, the verified copy into podman's
 * storage, podman run, and the push. podman and skopeo share a storage of their own (given by
 * CONTAINERS_STORAGE_CONF, as a user's is by their storage.conf), and the push goes to a local
 * `dir:` instead of a registry (there is none here): that is the one substitution.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nixEnv, repoRoot } from "../support/nix.js";
import { createTestGnupg, type TestGnupg } from "../sign/support/gnupg.js";
import { readmeCommandBlocks, typeCommands } from "../e2e/support.js";
import { requireContainerTools } from "./support.js";

const [commands = []] = readmeCommandBlocks("## OCI images");

const scratch = mkdtempSync(join(tmpdir(), "nix2aci-oci-readme-"));
const storage = join(scratch, "storage");
const pushed = join(scratch, "pushed");
let gnupg: TestGnupg;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  requireContainerTools();
  symlinkSync(join(repoRoot, "nix"), join(scratch, "nix"));
  symlinkSync(join(repoRoot, "examples"), join(scratch, "examples"));
  writeFileSync(join(scratch, "storage.conf"), `[storage]\ndriver = "vfs"\ngraphroot = "${storage}/root"\nrunroot = "${storage}/run"\n`);
  writeFileSync(join(scratch, "containers.conf"), `[engine]\nevents_logger = "none"\n`);
  gnupg = createTestGnupg();
  gnupg.addKey("readme", "rsa2048");
  env = { ...nixEnv, ...gnupg.env, NIX_CONFIG: nixEnv["NIX_CONFIG"], CONTAINERS_STORAGE_CONF: join(scratch, "storage.conf"), CONTAINERS_CONF: join(scratch, "containers.conf") };
});
afterAll(() => {
  spawnSync("podman", ["rmi", "--all", "--force"], { env });
  gnupg?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the README's OCI commands", () => {
  it("are build, name, inspect, load, sign, verified copy, run and push, with no version in them", () => {
    expect(commands.map((c) => c.split(" ").slice(0, 2).join(" "))).toEqual([
      "nix-build examples/generated",
      "image=$(basename result/busyboxOci-*.oci)",
      "skopeo inspect",
      "podman load",
      "./result/postprocess.sh OCIs",
      "skopeo --policy",
      "podman --runtime",
      "skopeo copy",
    ]);
    expect(commands.join("\n")).not.toMatch(/\d+\.\d+\.\d+/);
  });

  it("work as written: the verified image is named and podman runs it", () => {
    const push = commands.at(-1) ?? "";
    const local = (command: string) => (command === push ? command.replace(/docker:\/\/\S+/, `dir:${pushed}`) : command);
    expect(local(push)).not.toBe(push);
    const [, , inspect, load, sign, verified, ran] = typeCommands(commands, scratch, env, local);

    expect((JSON.parse(inspect ?? "") as { Labels: Record<string, string> }).Labels["org.opencontainers.image.title"]).toBe("nix2aci.example/busybox");
    expect(load).toMatch(/Loaded image: nix2aci\.example\/busybox:\S+/);
    expect(sign).toMatch(/^signed {2}OCIs\/busyboxOci-\S+-linux-amd64\.oci\.signed/m);
    expect(verified).toContain("Writing manifest to image destination");
    expect(ran).toContain("hello from podman");
    expect(readdirSync(join(scratch, "OCIs")).filter((file) => file.endsWith(".policy.json"))).toHaveLength(1);
    expect(existsSync(join(pushed, "manifest.json"))).toBe(true);

    // The copy is the verification: with a changed signature the same two lines fail.
    const signed = readdirSync(join(scratch, "OCIs")).find((file) => file.endsWith(".oci.signed")) as string;
    const signature = join(scratch, "OCIs", signed, "signature-1");
    const bytes = readFileSync(signature);
    bytes.writeUInt8((bytes.at(-8) ?? 0) ^ 0xff, bytes.length - 8);
    writeFileSync(signature, bytes);
    const refused = spawnSync("bash", ["-c", `${commands[1]}\n${commands[5]}`], { cwd: scratch, env, encoding: "utf8" });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/Source image rejected/);
  });
});
