/**
 * An OCI result's postprocess.sh signs with the user's gpg the way the containers tools verify:
 * `skopeo copy --sign-by` (simple signing) into a dir: image, and a signedBy policy beside it.
 * skopeo and podman accept the signed image with that policy and refuse every tampered variant.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestGnupg, type TestGnupg, type TestKey } from "../sign/support/gnupg.js";
import { attempt, buildOci, Podman, readLayout, requireContainerTools, type BuiltOci } from "./support.js";

let image: BuiltOci;
let gnupg: TestGnupg;
let key: TestKey;
let podman: Podman;
const work = mkdtempSync(join(tmpdir(), "nix2aci-oci-sign-"));
const outdir = join(work, "OCIs");
const base = "busyboxOci-1.35.0-linux-amd64.oci";
const signed = join(outdir, `${base}.signed`);
const policy = join(outdir, `${base}.policy.json`);

beforeAll(async () => {
  requireContainerTools();
  ({ busybox: image } = await buildOci(["busybox"]));
  gnupg = createTestGnupg();
  key = gnupg.addKey("oci-signer", "rsa2048");
  podman = new Podman();
});
afterAll(() => {
  gnupg.dispose();
  podman.dispose();
  rmSync(work, { recursive: true, force: true });
});

/** Runs the result's postprocess.sh as a user would, from the work folder. */
function postprocess(args: readonly string[], env: NodeJS.ProcessEnv = gnupg.env): SpawnSyncReturns<string> {
  return spawnSync(join(image.out, "postprocess.sh"), [...args], { encoding: "utf8", env, cwd: work });
}

/** skopeo copies a dir: image to a fresh oci: layout under `policyFile`; returns its stderr or "". */
function skopeoCheck(source: string, policyFile: string = policy): { status: number | null; stderr: string } {
  const target = mkdtempSync(join(work, "copy-"));
  const r = attempt("skopeo", ["--policy", policyFile, "copy", "--remove-signatures", `dir:${source}`, `oci:${target}:checked`]);
  rmSync(target, { recursive: true, force: true });
  return { status: r.status, stderr: r.stderr };
}

/** A copy of the signed image, changed by `edit`. */
function tampered(name: string, edit: (dir: string) => void): string {
  const dir = join(work, name);
  cpSync(signed, dir, { recursive: true });
  edit(dir);
  return dir;
}

const flipByte = (file: string, at: number): void => {
  const bytes = readFileSync(file);
  const index = Math.min(at, bytes.length - 1);
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  writeFileSync(file, bytes);
};

describe("postprocess.sh signs OCI images (simple signing)", () => {
  it("links the layout and the archive, writes the signed dir: image and its policy", () => {
    const run = postprocess([outdir]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(lstatSync(join(outdir, base)).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(outdir, `${base}.tar`)).isSymbolicLink()).toBe(true);
    expect(readdirSync(signed)).toContain("signature-1");
    expect(run.stdout).toContain(`signed  ${signed} (key ${key.fingerprint}, identity nix2aci.example/busybox:1.35.0)`);
    expect(run.stdout).toContain(`podman pull --signature-policy ${policy} dir:${signed}`);
    // The signed copy is the same image: same manifest bytes as the layout's.
    const { manifestDescriptor } = readLayout(image.layout);
    const manifest = readFileSync(join(signed, "manifest.json"));
    expect(manifest.equals(readFileSync(join(image.layout, "blobs", ...manifestDescriptor.digest.split(":"))))).toBe(true);
  });

  it("skopeo and podman accept it with the signedBy policy", () => {
    expect(skopeoCheck(signed)).toEqual({ status: 0, stderr: "" });
    // The command postprocess.sh prints, in a podman storage of its own.
    const pull = podman.run(["pull", "--quiet", "--signature-policy", policy, `dir:${signed}`]);
    expect(pull.status).toBe(0);
    const { manifest } = readLayout(image.layout);
    expect(`sha256:${pull.stdout.trim()}`).toBe(manifest.config.digest);
  });

  it("a tampered manifest, layer or signature, another identity or another key is refused", () => {
    const manifestChanged = tampered("t-manifest", (dir) => {
      const file = join(dir, "manifest.json");
      writeFileSync(file, readFileSync(file, "utf8").replace('"schemaVersion":2', '"schemaVersion":2,"annotations2":{}'));
    });
    expect(skopeoCheck(manifestChanged).stderr).toMatch(/Signature for digest sha256:[0-9a-f]+ does not match/);

    const { manifest } = readLayout(image.layout);
    const layer = (manifest.layers[0]?.digest ?? "").replace("sha256:", "");
    const layerChanged = tampered("t-layer", (dir) => flipByte(join(dir, layer), 4096));
    expect(skopeoCheck(layerChanged).stderr).toMatch(/Digest did not match/);

    const signatureChanged = tampered("t-signature", (dir) => flipByte(join(dir, "signature-1"), 200));
    expect(skopeoCheck(signatureChanged).status).not.toBe(0);

    const otherIdentity = join(work, "policy-other-identity.json");
    writeFileSync(otherIdentity, readFileSync(policy, "utf8").replace("nix2aci.example/busybox:1.35.0", "nix2aci.example/busybox:9.9"));
    expect(skopeoCheck(signed, otherIdentity).stderr).toMatch(/Signature for identity nix2aci\.example\/busybox:1\.35\.0 is not accepted/);

    const other = createTestGnupg();
    try {
      const otherKey = other.addKey("someone-else", "rsa2048");
      const keyFile = join(work, "someone-else.asc");
      writeFileSync(keyFile, otherKey.armoredPublicKey);
      const otherKeyPolicy = join(work, "policy-other-key.json");
      const policyText = readFileSync(policy, "utf8");
      writeFileSync(otherKeyPolicy, policyText.replace(/"keyPath": "[^"]*"/, `"keyPath": ${JSON.stringify(keyFile)}`));
      expect(skopeoCheck(signed, otherKeyPolicy).status).not.toBe(0);
    } finally {
      other.dispose();
    }
    // podman refuses the tampered manifest too.
    expect(podman.run(["pull", "--quiet", "--signature-policy", policy, `dir:${manifestChanged}`]).status).not.toBe(0);
  });

  it("--no-sign only links; an EdDSA key is fine for OCI images (only rkt cannot read it)", () => {
    const plain = join(work, "plain");
    const run = postprocess(["--no-sign", plain]);
    expect(run.status).toBe(0);
    expect(readdirSync(plain).sort()).toEqual([base, `${base}.tar`]);

    const eddsa = createTestGnupg();
    try {
      const edKey = eddsa.addKey("ed-signer", "ed25519");
      const edOut = join(work, "eddsa");
      const signedByEd = postprocess([edOut], eddsa.env);
      expect(signedByEd.status).toBe(0);
      expect(signedByEd.stdout).toContain(`key ${edKey.fingerprint}`);
      expect(existsSync(join(edOut, `${base}.signed`, "signature-1"))).toBe(true);
      expect(skopeoCheck(join(edOut, `${base}.signed`), join(edOut, `${base}.policy.json`))).toEqual({ status: 0, stderr: "" });
    } finally {
      eddsa.dispose();
    }
  });
});
