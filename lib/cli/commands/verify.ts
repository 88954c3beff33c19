/** `nix2aci verify IMAGE.aci`: is IMAGE.aci.asc a good signature, as rkt would check it? */
import { existsSync } from "node:fs";
import { readImageName } from "../../image/index.js";
import { readSmallFile, requireTrustedKeys, VerificationError, verifyImage, type VerifiedImage } from "../../sign/index.js";
import { loadOpenpgp } from "../../sign/openpgp.js";
import { expectPositionals } from "../args.js";
import { defineCommand } from "../program.js";

export const command = defineCommand({
  name: "nix2aci verify",
  summary: "check IMAGE.aci against its IMAGE.aci.asc signature, as rkt does",
  usage: ["IMAGE.aci [--key FILE]... [--signature FILE] [--allow-eddsa] [--json]"],
  description:
    "Checks IMAGE.aci against its detached ASCII-armored signature the way rkt does, with the given\n" +
    "public keys, or without --key with the keys trusted for the image's name ('nix2aci trust',\n" +
    "$NIX2ACI_TRUST_DIR). A key rkt could not load (EdDSA, or with a cv25519 subkey) is refused.",
  options: {
    key: { type: "string", short: "k", multiple: true, value: "FILE", help: "an armored public key to accept signatures from (repeatable); default: the keys trusted for the image's name" },
    signature: { type: "string", short: "s", value: "FILE", help: "the signature (default: IMAGE.aci.asc)" },
    "allow-eddsa": { type: "boolean", help: "accept a signer key rkt cannot use (EdDSA, or holding a subkey rkt cannot parse)" },
    json: { type: "boolean", help: "print the outcome as one JSON object (on failure too)" },
  },
  footer: "exit status: 0 good signature; 1 not validly signed (the reason is printed); 2 bad usage.",
  async run({ values, positionals }, io) {
    expectPositionals(positionals, ["IMAGE.aci"]);
    const image = positionals[0] as string;
    const signature = values.signature ?? `${image}.asc`;
    // An unsigned image is the usual first mistake: said in one line, not as a read error.
    const unsigned = existsSync(image) && !existsSync(signature);
    // Its load (a tenth of a second) overlaps the reads of the manifest, keys and signature.
    loadOpenpgp().catch(() => undefined);
    try {
      if (unsigned) {
        throw new VerificationError("unreadable-signature", values.signature === undefined ? `no signature '${signature}' next to the image (sign it with ./result/postprocess.sh)` : `no signature '${signature}'`);
      }
      // The manifest's name alone chooses the trusted keys: the image is read in full once, by the check.
      const keys = values.key === undefined ? await requireTrustedKeys(await readImageName(image)) : await Promise.all(values.key.map((file) => readSmallFile(file, "key")));
      const signer = await verifyImage(image, signature, keys, { allowEdDSA: values["allow-eddsa"] === true });
      io.stdout(values.json === true ? `${JSON.stringify({ image, signature, good: true, signer: signerJson(signer) }, null, 2)}\n` : goodText(image, signer));
      return 0;
    } catch (error) {
      if (values.json === true && error instanceof VerificationError) {
        io.stdout(`${JSON.stringify({ image, signature, good: false, reason: error.reason, message: error.message }, null, 2)}\n`);
      }
      if (!(error instanceof VerificationError)) throw error;
      throw new Error(unsigned ? error.message : `${image}: ${error.reason}: ${error.message}`);
    }
  },
});

function signerJson(signer: VerifiedImage): Record<string, unknown> {
  return { ...signer, created: signer.created.toISOString() };
}

function goodText(image: string, signer: VerifiedImage): string {
  return (
    `Good signature on ${image}\n` +
    `  signer:  ${signer.userID === "" ? "(no user ID)" : signer.userID}\n` +
    `  key:     ${signer.fingerprint} (${signer.algorithm})\n` +
    (signer.signingKeyFingerprint !== signer.fingerprint ? `  subkey:  ${signer.signingKeyFingerprint}\n` : "") +
    `  made:    ${signer.created.toISOString()}\n`
  );
}
