/**
 * rkt's rule for local images: IMAGE.aci.asc must be a valid signature by a key trusted for the
 * image's name. Checked before the image is unpacked or even fully decompressed, so untrusted
 * input costs little: first that the signature file exists (a `stat`), then the name (only the
 * start of the archive is decompressed) and that some key is trusted for it, then the signature
 * over the compressed bytes (lib/sign's `verifyImage`). All reads go through one open file, so
 * what was verified is what gets unpacked. A file verified before (records.ts) is checked again
 * cheaply: same file, same signature file, same keys trusted for its name.
 */
import type { FileHandle } from "node:fs/promises";
import { stat } from "node:fs/promises";
import { ImageError, readImageManifest, sameFile, type FileIdentity } from "../image/index.js";
import { requireTrustedKeys, TrustError, trustDir, verifyImage, VerificationError } from "../sign/index.js";
import { loadOpenpgp } from "../sign/openpgp.js";
import { RunError } from "./errors.js";
import type { ProgressFactory } from "./progress.js";
import { keysDigest, type FileRecord } from "./records.js";

export interface CheckedSignature {
  /** The image's name, as the signature check read it. */
  readonly name: string;
  /** The file as it was when its start was read. */
  readonly identity: FileIdentity;
  /** What the check depended on, for the file's record. */
  readonly verified: NonNullable<FileRecord["verified"]>;
  /** Fingerprint (upper-case hex) of the signer's primary key; undefined when the record vouched. */
  readonly signer?: string;
}

/** The signature file's identity; a RunError when there is none (or it is not a regular file). */
export async function signatureFileOf(imagePath: string): Promise<FileIdentity> {
  const signaturePath = `${imagePath}.asc`;
  let info;
  try {
    info = await stat(signaturePath, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new RunError(`cannot read '${signaturePath}': ${(error as Error).message}`);
    throw new RunError(`image '${imagePath}' is not signed: '${signaturePath}' does not exist (sign it, or run it unchecked with --insecure-options=image)`);
  }
  if (!info.isFile()) throw new RunError(`signature '${signaturePath}' is not a regular file`);
  return { dev: info.dev, ino: info.ino, size: info.size, mtimeNs: info.mtimeNs, ctimeNs: info.ctimeNs };
}

export async function keysTrustedFor(name: string, dir: string = trustDir()): Promise<string[]> {
  try {
    return await requireTrustedKeys(name, dir);
  } catch (error) {
    if (error instanceof TrustError || error instanceof VerificationError) throw new RunError(error.message, { cause: error });
    throw error;
  }
}

/**
 * The cheap check, from a record of this very file: the same signature file, and exactly the
 * keys that were trusted for the name then. Anything else means checking again.
 */
export async function recordStillVouches(record: FileRecord | undefined, signature: FileIdentity, dir: string = trustDir()): Promise<boolean> {
  const verified = record?.verified;
  if (verified === undefined || !sameFile(verified.signature, signature)) return false;
  try {
    return keysDigest(await requireTrustedKeys(verified.name, dir)) === verified.trustedKeys;
  } catch {
    return false;
  }
}

export async function checkImageSignature(
  imagePath: string,
  image: FileHandle,
  options: { readonly trustDir?: string; readonly signal?: AbortSignal; readonly progress?: ProgressFactory } = {},
): Promise<CheckedSignature> {
  const signaturePath = `${imagePath}.asc`;
  const dir = options.trustDir ?? trustDir();
  const signature = await signatureFileOf(imagePath);
  const { manifest, identity } = await readImageManifest(imagePath, { handle: image, ...(options.signal === undefined ? {} : { signal: options.signal }) }).catch(
    (error: unknown) => {
      throw error instanceof ImageError ? new RunError(error.message, { cause: error }) : error;
    },
  );
  const keys = await keysTrustedFor(manifest.name, dir);
  // The open file itself, not the path again: it cannot be swapped between checking and unpacking.
  const opened = `/proc/self/fd/${image.fd}`;
  try {
    const progress = options.progress?.(`checking the signature of ${manifest.name}`, Number(identity.size));
    const signer = await verifyImage(opened, signaturePath, keys, progress === undefined ? {} : { onProgress: (done) => progress.update(done) }).finally(() => progress?.finish());
    return { name: manifest.name, identity, signer: signer.fingerprint, verified: { name: manifest.name, signature, trustedKeys: keysDigest(keys) } };
  } catch (error) {
    if (error instanceof VerificationError) {
      const message = error.message.replaceAll(opened, imagePath);
      throw new RunError(`signature check failed for '${imagePath}' (name '${manifest.name}'): ${message}`, { cause: error });
    }
    throw error;
  }
}

/** Primary-key fingerprints (upper-case hex) of the keys trusted for `name`. */
export async function trustedFingerprints(name: string, dir: string = trustDir()): Promise<string[]> {
  const openpgp = await loadOpenpgp();
  const keys = await Promise.all((await keysTrustedFor(name, dir)).map((armoredKeys) => openpgp.readKeys({ armoredKeys }).catch(() => [])));
  return keys.flat().map((key) => key.getFingerprint().toUpperCase());
}
