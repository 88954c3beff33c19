/** lib/sign: signImage through the real gpg, verifyImage with openpgp, checked against gpgv. */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signImage } from "../../lib/sign/sign.js";
import { verifyImage } from "../../lib/sign/verify.js";
import { createTestGnupg, type TestGnupg, type TestKey } from "./support/gnupg.js";
import { buildTestAci } from "./support/image.js";
import { gpgvAccepts, removeTempDirs, tempDir } from "./support/tree.js";

let gnupg: TestGnupg;
let rsa: TestKey;
let other: TestKey;
let ed25519: TestKey;
let locked: TestKey;
let withSubkey: TestKey; // RSA primary key that signs with a newer RSA subkey
let subkeyFingerprint: string;
let dir: string;
let image: string;

beforeAll(() => {
  gnupg = createTestGnupg();
  rsa = gnupg.addKey("rsa", "rsa3072");
  other = gnupg.addKey("other", "rsa2048");
  ed25519 = gnupg.addKey("ed", "ed25519");
  locked = gnupg.addKey("locked", "rsa2048", "unknowable");
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

const sign = (path: string, key: TestKey, extra: Parameters<typeof signImage>[1] = {}) =>
  signImage(path, { gnupgHome: gnupg.home, env: gnupg.env, localUser: key.email, pinentry: "error", ...extra });

describe("signImage", () => {
  it("writes IMAGE.asc that gpgv and verifyImage accept, and names the signer", async () => {
    const signed = await sign(image, rsa);
    expect(signed.signaturePath).toBe(`${image}.asc`);
    expect(signed.fingerprint).toBe(rsa.fingerprint);
    expect(signed.algorithm).toBe("RSA");
    expect(readFileSync(signed.signaturePath, "utf8")).toMatch(/^-----BEGIN PGP SIGNATURE-----/);
    expect(gpgvAccepts(signed.signaturePath, image, [rsa.armoredPublicKey], gnupg.env)).toBe(true);
    const signer = await verifyImage(image, signed.signaturePath, [other.armoredPublicKey, rsa.armoredPublicKey]);
    // Several armored blocks in one string (a `cat` of key files) are all read.
    const fromConcatenated = await verifyImage(image, signed.signaturePath, [`${other.armoredPublicKey}${rsa.armoredPublicKey}`]);
    expect(fromConcatenated.fingerprint).toBe(rsa.fingerprint);
    expect(signer).toMatchObject({ fingerprint: rsa.fingerprint, signingKeyFingerprint: rsa.fingerprint, userID: `rsa <${rsa.email}>`, algorithm: "RSA", algorithmId: 1 });
    expect(signer.created.getTime()).toBeGreaterThan(0);
  });

  it("reports the subkey that signed and the primary key it belongs to", async () => {
    const signed = await sign(image, withSubkey, { signaturePath: join(dir, "subkey.asc") });
    expect(signed.fingerprint).toBe(subkeyFingerprint);
    const signer = await verifyImage(image, signed.signaturePath, [withSubkey.armoredPublicKey]);
    expect(signer.fingerprint).toBe(withSubkey.fingerprint);
    expect(signer.signingKeyFingerprint).toBe(subkeyFingerprint);
    expect(gpgvAccepts(signed.signaturePath, image, [withSubkey.armoredPublicKey], gnupg.env)).toBe(true);
  });

  it("refuses an EdDSA key unless allowed, leaving no file", async () => {
    const target = join(dir, "ed.asc");
    await expect(sign(image, ed25519, { signaturePath: target })).rejects.toMatchObject({ reason: "eddsa-key" });
    expect(existsSync(target)).toBe(false);
    const signed = await sign(image, ed25519, { signaturePath: target, allowEdDSA: true });
    expect(signed.algorithm).toBe("EdDSA");
    expect(gpgvAccepts(target, image, [ed25519.armoredPublicKey], gnupg.env)).toBe(true);
  });

  it("fails with a reason for a locked key, an unknown key, a missing image and a missing gpg; an older signature stays", async () => {
    const target = join(dir, "kept.asc");
    await sign(image, rsa, { signaturePath: target });
    const before = readFileSync(target, "utf8");
    await expect(sign(image, locked, { signaturePath: target })).rejects.toMatchObject({ reason: "locked-key" });
    await expect(sign(image, { ...rsa, email: "nobody@nix2aci.test" }, { signaturePath: target })).rejects.toMatchObject({ reason: "no-secret-key" });
    await expect(sign(join(dir, "missing.aci"), rsa)).rejects.toMatchObject({ reason: "unreadable-image" });
    await expect(sign(image, rsa, { signaturePath: target, gpg: join(dir, "no-such-gpg") })).rejects.toMatchObject({ reason: "gpg-missing" });
    expect(readFileSync(target, "utf8")).toBe(before);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });
});

describe("verifyImage", () => {
  let signature: string;
  beforeAll(async () => {
    signature = (await sign(image, rsa, { signaturePath: join(dir, "verify.asc") })).signaturePath;
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
    const big = join(dir, "big.aci");
    writeFileSync(big, Buffer.concat([readFileSync(image), Buffer.alloc(8 * 1024 * 1024, 7)]));
    const signed = await sign(big, rsa);
    expect((await verifyImage(big, signed.signaturePath, [rsa.armoredPublicKey])).fingerprint).toBe(rsa.fingerprint);
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
