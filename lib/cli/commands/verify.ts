/**
 * `nix2aci verify IMAGE.aci [--key KEY.asc ...] [--signature SIG] [--allow-eddsa]`:
 * exit 0 and the signer on success, 1 with the reason when the image is not validly signed,
 * 2 on bad usage. Without --key, the keys trusted (`nix2aci trust`) for the image's name count.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { VerificationError } from "../../sign/errors.js";
import { verifyImage } from "../../sign/verify.js";
import { readImage } from "../../image/index.js";
import { trustDir, trustedKeysFor } from "../../run/index.js";

const USAGE = `usage: nix2aci verify IMAGE.aci [--key KEY.asc]... [--signature SIG] [--allow-eddsa]

Checks IMAGE.aci against its detached ASCII-armored signature (default IMAGE.aci.asc) the way
rkt does, with the given public keys (ASCII-armored; --key may be repeated), or without --key
with the keys trusted for the image's name ('nix2aci trust', $NIX2ACI_TRUST_DIR).

options:
  -k, --key FILE        a public key to accept signatures from
  -s, --signature FILE  the signature (default: IMAGE.aci.asc)
      --allow-eddsa     accept an EdDSA (ed25519) signer, which rkt itself cannot verify
  -h, --help            show this help

exit status: 0 good signature, 1 not validly signed (the reason is printed), 2 bad usage.
`;

function usageError(text: string): number {
  process.stderr.write(`nix2aci verify: ${text}\n${USAGE}`);
  return 2;
}

export async function run(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        key: { type: "string", short: "k", multiple: true },
        signature: { type: "string", short: "s" },
        "allow-eddsa": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1) return usageError(`expected exactly one IMAGE.aci, got ${positionals.length}`);
  const imagePath = positionals[0] as string;
  const keyFiles = values.key ?? [];
  const signaturePath = values.signature ?? `${imagePath}.asc`;

  const armoredKeys: string[] = [];
  if (keyFiles.length === 0) {
    let name: string;
    try {
      name = (await readImage(imagePath)).manifest.name;
    } catch (error) {
      process.stderr.write(`nix2aci verify: ${imagePath}: ${(error as Error).message}\n`);
      return 1;
    }
    armoredKeys.push(...(await trustedKeysFor(name)));
    if (armoredKeys.length === 0) {
      process.stderr.write(
        `nix2aci verify: no key is trusted for images named '${name}' (in ${trustDir()}); ` +
          `give --key KEY.asc or trust one with: nix2aci trust --prefix=${name} KEY.asc\n`,
      );
      return 1;
    }
  }
  for (const file of keyFiles) {
    try {
      armoredKeys.push(await readFile(file, "utf8"));
    } catch (error) {
      process.stderr.write(`nix2aci verify: cannot read key '${file}': ${(error as Error).message}\n`);
      return 1;
    }
  }

  try {
    const signer = await verifyImage(imagePath, signaturePath, armoredKeys, { allowEdDSA: values["allow-eddsa"] === true });
    process.stdout.write(
      `Good signature on ${imagePath}\n` +
        `  signer:  ${signer.userID === "" ? "(no user ID)" : signer.userID}\n` +
        `  key:     ${signer.fingerprint} (${signer.algorithm})\n` +
        (signer.signingKeyFingerprint !== signer.fingerprint ? `  subkey:  ${signer.signingKeyFingerprint}\n` : "") +
        `  made:    ${signer.created.toISOString()}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof VerificationError) {
      process.stderr.write(`nix2aci verify: ${imagePath}: ${error.reason}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
