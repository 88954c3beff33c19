/** `nix2aci verify`: exit 0 and the signer, 1 and the reason, 2 on bad usage; --json either way. */
import { execFileSync } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runNix2aci } from "../cli/support.js";
import { trustKeys } from "../../lib/sign/index.js";
import { createTestGnupg, type TestGnupg, type TestKey } from "./support/gnupg.js";
import { buildTestAci, signWithPostprocess } from "./support/image.js";
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
  const bytes = buildTestAci({ name: "nix2aci.test/signme" });
  image = signWithPostprocess(bytes, { ...gnupg.env, NIX2ACI_SIGNING_KEY: rsa.email }).image;
  copyFileSync(signWithPostprocess(bytes, { ...gnupg.env, NIX2ACI_SIGNING_KEY: ed25519.email }, undefined, ["--allow-eddsa"]).signature, join(dir, "ed.asc"));
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

const verify = (...args: string[]) => runNix2aci(["verify", ...args], dir);

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
    expect(missingKey.stderr).toMatch(/^nix2aci verify: cannot read key '.*missing\.asc': .*ENOENT/);
    // A FIFO where the signature should be is refused at once, not waited on.
    const fifo = join(dir, "fifo.asc");
    execFileSync("mkfifo", [fifo]);
    const blocked = await verify(image, "--key", rsaKeyFile, "--signature", fifo);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/unreadable-signature: cannot read signature '.*fifo\.asc': not a regular file/);
    for (const run of [wrongKey, eddsa, missingKey, blocked]) expect(run.stderr.split("\n")).toHaveLength(2); // one line
  });

  it("--json prints the outcome as an object, good or not", async () => {
    const good = await verify(image, "--key", rsaKeyFile, "--json");
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ image, signature: `${image}.asc`, good: true, signer: { fingerprint: rsa.fingerprint, algorithm: "RSA", userID: `rsa <${rsa.email}>` } });
    const bad = await verify(image, "--key", otherKeyFile, "--json");
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ image, good: false, reason: "unknown-signer" });
    expect(bad.stderr).toMatch(/^nix2aci verify: .*unknown-signer/);
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

  it("without --key, refuses a manifest name that is no AC identifier before it picks keys by it", async () => {
    const trustDir = tempDir("verify-trust-root");
    vi.stubEnv("NIX2ACI_TRUST_DIR", trustDir);
    try {
      // Trusted for every name: only the name's check can refuse it.
      await trustKeys(rsa.armoredPublicKey, { root: true }, trustDir);
      const bad = signWithPostprocess(buildTestAci({ name: "../../etc" }), { ...gnupg.env, NIX2ACI_SIGNING_KEY: rsa.email }).image;
      const run = await verify(bad);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('name: must be an AC identifier');
      expect(run.stderr).toContain('"../../etc"');
      expect(run.stderr.split("\n")).toHaveLength(2); // one line
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("exits 2 on bad usage and 0 for --help", async () => {
    expect((await verify("--key", rsaKeyFile)).code).toBe(2);
    expect((await verify(image, image, "--key", rsaKeyFile)).code).toBe(2);
    const unknown = await verify(image, "--key", rsaKeyFile, "--jsno");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("nix2aci verify: unknown option '--jsno'; did you mean '--json'? (see 'nix2aci verify --help')\n");
    const help = await verify("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: nix2aci verify/);
  });
});
