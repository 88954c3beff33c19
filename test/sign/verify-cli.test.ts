/** `nix2aci verify`: exit 0 and the signer, 1 and the reason, 2 on bad usage. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../lib/cli/nix2aci.js";
import { trustKeys } from "../../lib/run/index.js";
import { signImage } from "../../lib/sign/sign.js";
import { createTestGnupg, type TestGnupg, type TestKey } from "./support/gnupg.js";
import { buildTestAci } from "./support/image.js";
import { removeTempDirs, tempDir } from "./support/tree.js";

let gnupg: TestGnupg;
let rsa: TestKey;
let other: TestKey;
let ed25519: TestKey;
let dir: string;
let image: string;
let rsaKeyFile: string;
let otherKeyFile: string;
let edKeyFile: string;

beforeAll(async () => {
  gnupg = createTestGnupg();
  rsa = gnupg.addKey("rsa", "rsa2048");
  other = gnupg.addKey("other", "rsa2048");
  ed25519 = gnupg.addKey("ed", "ed25519");
  dir = tempDir("verify-cli");
  image = join(dir, "signme-1.0-linux-amd64.aci");
  writeFileSync(image, buildTestAci({ name: "nix2aci.test/signme" }));
  await signImage(image, { env: gnupg.env, localUser: rsa.email, pinentry: "error" });
  await signImage(image, { env: gnupg.env, localUser: ed25519.email, pinentry: "error", allowEdDSA: true, signaturePath: join(dir, "ed.asc") });
  rsaKeyFile = join(dir, "rsa key.asc");
  otherKeyFile = join(dir, "other.asc");
  edKeyFile = join(dir, "ed.pub.asc");
  writeFileSync(rsaKeyFile, rsa.armoredPublicKey);
  writeFileSync(otherKeyFile, other.armoredPublicKey);
  writeFileSync(edKeyFile, ed25519.armoredPublicKey);
});

afterAll(() => {
  gnupg?.dispose();
  removeTempDirs();
});

async function verify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(["verify", ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe("nix2aci verify", () => {
  it("exits 0 and prints the signer for a good signature (IMAGE.asc by default)", async () => {
    const run = await verify(image, "--key", otherKeyFile, "--key", rsaKeyFile);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Good signature on ${image}`);
    expect(run.stdout).toContain(`rsa <${rsa.email}>`);
    expect(run.stdout).toContain(`${rsa.fingerprint} (RSA)`);
  });

  it("exits 1 with the reason when the signature is not good", async () => {
    const wrongKey = await verify(image, "-k", otherKeyFile);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/unknown-signer/);
    const wrongSignature = await verify(image, "--key", rsaKeyFile, "--signature", join(dir, "ed.asc"));
    expect(wrongSignature.code).toBe(1);
    const eddsa = await verify(image, "--key", edKeyFile, "--signature", join(dir, "ed.asc"));
    expect(eddsa.code).toBe(1);
    expect(eddsa.stderr).toMatch(/eddsa-key: .*x\/crypto\/openpgp/);
    const missingKey = await verify(image, "--key", join(dir, "missing.asc"));
    expect(missingKey.code).toBe(1);
    expect(missingKey.stderr).toMatch(/cannot read key/);
  });

  it("accepts an EdDSA signer with --allow-eddsa", async () => {
    const run = await verify(image, "--key", edKeyFile, "--signature", join(dir, "ed.asc"), "--allow-eddsa");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("(EdDSA)");
  });

  it("without --key, uses the keys trusted for the image's name", async () => {
    const trustDir = tempDir("verify-trust");
    vi.stubEnv("NIX2ACI_TRUST_DIR", trustDir);
    try {
      const none = await verify(image);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain("no key is trusted for images named 'nix2aci.test/signme'");
      await trustKeys(other.armoredPublicKey, { prefix: "nix2aci.test" }, trustDir);
      const untrustedSigner = await verify(image);
      expect(untrustedSigner.code).toBe(1);
      expect(untrustedSigner.stderr).toMatch(/unknown-signer/);
      await trustKeys(rsa.armoredPublicKey, { prefix: "nix2aci.test/signme" }, trustDir);
      const trusted = await verify(image);
      expect(trusted.code).toBe(0);
      expect(trusted.stdout).toContain(`${rsa.fingerprint} (RSA)`);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("exits 2 on bad usage and 0 for --help", async () => {
    expect((await verify("--key", rsaKeyFile)).code).toBe(2);
    expect((await verify(image, image, "--key", rsaKeyFile)).code).toBe(2);
    const unknown = await verify(image, "--key", rsaKeyFile, "--bogus");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/bogus/);
    const help = await verify("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: nix2aci verify/);
  });
});
