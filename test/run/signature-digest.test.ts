/**
 * verifyImage hashes a version 4 signature's data natively (lib/sign/verify.ts) and leaves other
 * signatures to openpgp.js: both paths accept the signed bytes and refuse a changed byte.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as openpgp from "openpgp";
import { describe, expect, it } from "vitest";
import { verifyImage } from "../../lib/sign/index.js";
import { tempDir } from "./support/aci.js";
import { makeKey } from "./support/gpg.js";

const bytes = Buffer.concat([Buffer.from("image bytes "), Buffer.alloc(3 * 1024 * 1024 + 17, 7)]);

async function imageAndTampered(): Promise<{ dir: string; image: string; tampered: string }> {
  const dir = await tempDir();
  const image = join(dir, "image.aci");
  const tampered = join(dir, "tampered.aci");
  writeFileSync(image, bytes);
  const changed = Buffer.from(bytes);
  changed[2 * 1024 * 1024] = 8; // past the first read
  writeFileSync(tampered, changed);
  return { dir, image, tampered };
}

describe("verifyImage over the image's bytes", () => {
  it("a version 4 signature by gpg: checked over a native digest", async () => {
    const key = await makeKey("digest@nix2aci.test");
    try {
      const { image, tampered } = await imageAndTampered();
      key.sign(image);
      writeFileSync(`${tampered}.asc`, readFileSync(`${image}.asc`));
      const armored = readFileSync(key.publicKeyFile, "utf8");
      const signer = await verifyImage(image, `${image}.asc`, [armored]);
      expect(signer.fingerprint).toBe(key.fingerprint.toUpperCase());
      await expect(verifyImage(tampered, `${tampered}.asc`, [armored])).rejects.toThrow(/BAD signature .*Signed digest did not match/);
    } finally {
      key.dispose();
    }
  });

  it("a version 6 signature (openpgp.js): checked by openpgp.js streaming the image", async () => {
    const { privateKey, publicKey } = await openpgp.generateKey({ type: "rsa", rsaBits: 2048, userIDs: [{ email: "v6@nix2aci.test" }], format: "armored", config: { v6Keys: true } });
    const { image, tampered } = await imageAndTampered();
    const signature = await openpgp.sign({
      message: await openpgp.createMessage({ binary: bytes }),
      signingKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
      detached: true,
      format: "armored",
    });
    expect((await openpgp.readSignature({ armoredSignature: signature })).packets[0]?.version).toBe(6);
    writeFileSync(`${image}.asc`, signature);
    writeFileSync(`${tampered}.asc`, signature);
    // rkt could not read a version 6 key at all: allowed here only to reach openpgp.js's own hashing.
    const options = { allowEdDSA: true };
    await expect(verifyImage(image, `${image}.asc`, [publicKey], options)).resolves.toMatchObject({ algorithm: "RSA" });
    await expect(verifyImage(tampered, `${tampered}.asc`, [publicKey], options)).rejects.toThrow(/BAD signature/);
  });
});
