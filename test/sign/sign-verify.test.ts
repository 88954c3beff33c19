/**
 * lib/sign's verifyImage (openpgp) on signatures made by the one signer, nix/postprocess.sh with
 * the real gpg, checked against gpgv: good signatures, subkeys, and every way to be refused.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyImage } from "../../lib/sign/verify.js";
import { createTestGnupg, type TestGnupg, type TestKey } from "./support/gnupg.js";
import { buildTestAci, signWithPostprocess } from "./support/image.js";
import { gpgvAccepts, removeTempDirs, tempDir } from "./support/tree.js";

let gnupg: TestGnupg;
let rsa: TestKey;
let other: TestKey;
let ed25519: TestKey;
let withSubkey: TestKey; // RSA primary key that signs with a newer RSA subkey
let subkeyFingerprint: string;
let dir: string;
let image: string;

beforeAll(() => {
  gnupg = createTestGnupg();
  rsa = gnupg.addKey("rsa", "rsa3072");
  other = gnupg.addKey("other", "rsa2048");
  ed25519 = gnupg.addKey("ed", "ed25519");
  const primary = gnupg.addKey("subkeyed", "rsa2048");
  gnupg.gpg(["--passphrase", "", "--pinentry-mode", "loopback", "--quick-add-key", primary.fingerprint, "rsa2048", "sign", "never"]);
  withSubkey = { ...primary, armoredPublicKey: gnupg.gpg(["--armor", "--export", primary.fingerprint]) };
  const listing = gnupg.gpg(["--with-colons", "--list-keys", primary.fingerprint]);
  subkeyFingerprint = /^sub:[^\n]*\nfpr:+([0-9A-F]{40}):/m.exec(listing)?.[1] ?? "";
  dir = tempDir("lib-sign");
  image = join(dir, "signme-1.0-linux-amd64.aci");
  writeFileSync(image, buildTestAci({ name: "nix2aci.test/signme" }));
});

afterAll(() => {
  gnupg?.dispose();
  removeTempDirs();
});

const sign = (bytes: Buffer, key: TestKey, args: readonly string[] = []) => signWithPostprocess(bytes, { ...gnupg.env, NIX2ACI_SIGNING_KEY: key.email }, undefined, args);

describe("verifyImage on postprocess.sh's signatures", () => {
  it("accepts a good one (as gpgv does) and names the signer, from keys given in any grouping", async () => {
    const signed = sign(readFileSync(image), rsa);
    expect(readFileSync(signed.signature, "utf8")).toMatch(/^-----BEGIN PGP SIGNATURE-----/);
    expect(gpgvAccepts(signed.signature, signed.image, [rsa.armoredPublicKey], gnupg.env)).toBe(true);
    const signer = await verifyImage(signed.image, signed.signature, [other.armoredPublicKey, rsa.armoredPublicKey]);
    // Several armored blocks in one string (a `cat` of key files) are all read.
    const fromConcatenated = await verifyImage(signed.image, signed.signature, [`${other.armoredPublicKey}${rsa.armoredPublicKey}`]);
    expect(fromConcatenated.fingerprint).toBe(rsa.fingerprint);
    expect(signer).toMatchObject({ fingerprint: rsa.fingerprint, signingKeyFingerprint: rsa.fingerprint, userID: `rsa <${rsa.email}>`, algorithm: "RSA", algorithmId: 1 });
    expect(signer.created.getTime()).toBeGreaterThan(0);
    // The key file postprocess.sh exported is enough.
    expect((await verifyImage(signed.image, signed.signature, [readFileSync(signed.keyFile, "utf8")])).fingerprint).toBe(rsa.fingerprint);
  });

  it("reports the subkey that signed and the primary key it belongs to", async () => {
    const signed = sign(readFileSync(image), withSubkey);
    expect(signed.stdout).toContain(`(key ${subkeyFingerprint})`);
    const signer = await verifyImage(signed.image, signed.signature, [withSubkey.armoredPublicKey]);
    expect(signer.fingerprint).toBe(withSubkey.fingerprint);
    expect(signer.signingKeyFingerprint).toBe(subkeyFingerprint);
    expect(gpgvAccepts(signed.signature, signed.image, [withSubkey.armoredPublicKey], gnupg.env)).toBe(true);
  });

  it("refuses an EdDSA signer unless allowed", async () => {
    const signed = sign(readFileSync(image), ed25519, ["--allow-eddsa"]);
    expect(gpgvAccepts(signed.signature, signed.image, [ed25519.armoredPublicKey], gnupg.env)).toBe(true);
    await expect(verifyImage(signed.image, signed.signature, [ed25519.armoredPublicKey])).rejects.toMatchObject({ reason: "eddsa-key" });
    expect((await verifyImage(signed.image, signed.signature, [ed25519.armoredPublicKey], { allowEdDSA: true })).algorithm).toBe("EdDSA");
  });
});

describe("verifyImage", () => {
  let signature: string;
  beforeAll(() => {
    signature = sign(readFileSync(image), rsa).signature;
  });

  it("rejects any single changed byte of the image (property)", async () => {
    const bytes = readFileSync(image);
    const seed = process.env.CI !== undefined ? 42 : Date.now();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (position, mask) => {
        const changed = Buffer.from(bytes);
        changed[position] = (changed[position] ?? 0) ^ mask;
        const path = join(dir, "changed.aci");
        writeFileSync(path, changed);
        await expect(verifyImage(path, signature, [rsa.armoredPublicKey])).rejects.toMatchObject({ reason: "bad-signature" });
      }),
      { seed, numRuns: 40 },
    );
  });

  it("rejects an image with bytes appended or cut off", async () => {
    const bytes = readFileSync(image);
    const longer = join(dir, "longer.aci");
    writeFileSync(longer, Buffer.concat([bytes, Buffer.from([0])]));
    await expect(verifyImage(longer, signature, [rsa.armoredPublicKey])).rejects.toMatchObject({ reason: "bad-signature" });
    const shorter = join(dir, "shorter.aci");
    writeFileSync(shorter, bytes.subarray(0, bytes.length - 1));
    await expect(verifyImage(shorter, signature, [rsa.armoredPublicKey])).rejects.toMatchObject({ reason: "bad-signature" });
  });

  it("streams a large image (many read chunks) and verifies it", async () => {
    const signed = sign(Buffer.concat([readFileSync(image), Buffer.alloc(8 * 1024 * 1024, 7)]), rsa);
    expect((await verifyImage(signed.image, signed.signature, [rsa.armoredPublicKey])).fingerprint).toBe(rsa.fingerprint);
  });

  it("explains every other failure by its reason", async () => {
    await expect(verifyImage(image, signature, [])).rejects.toMatchObject({ reason: "no-keys" });
    await expect(verifyImage(image, signature, ["not a key"])).rejects.toMatchObject({ reason: "unreadable-key" });
    await expect(verifyImage(image, signature, [other.armoredPublicKey])).rejects.toMatchObject({ reason: "unknown-signer" });
    await expect(verifyImage(image, join(dir, "none.asc"), [rsa.armoredPublicKey])).rejects.toMatchObject({ reason: "unreadable-signature" });
    await expect(verifyImage(join(dir, "none.aci"), signature, [rsa.armoredPublicKey])).rejects.toMatchObject({ reason: "unreadable-image" });
    // rkt only reads ASCII-armored signatures: the same signature in binary form is refused.
    const binary = join(dir, "binary.sig");
    writeFileSync(binary, execFileSync("gpg", ["--batch", "--dearmor"], { input: readFileSync(signature), env: gnupg.env }));
    expect(gpgvAccepts(binary, image, [rsa.armoredPublicKey], gnupg.env)).toBe(true);
    await expect(verifyImage(image, binary, [rsa.armoredPublicKey])).rejects.toMatchObject({ reason: "unreadable-signature" });
  });
});
