/**
 * rkt's rule for local images: IMAGE.aci.asc must be a valid signature by a key trusted for the
 * image's name. Checked before the image is unpacked or even fully decompressed, so untrusted
 * input costs little: first that the signature file exists (a `stat`), then the name (only the
 * start of the archive is decompressed) and that some key is trusted for it, then the signature
 * over the compressed bytes (lib/sign's `verifyImage`). All reads go through one open file, so
 * what was verified is what gets unpacked.
 */
import type { FileHandle } from "node:fs/promises";
import { stat } from "node:fs/promises";
import { ImageError, readImageManifest, type FileIdentity } from "../image/index.js";
import { requireTrustedKeys, TrustError, trustDir, verifyImage, VerificationError, type VerifiedImage } from "../sign/index.js";
import { RunError } from "./errors.js";

export interface CheckedSignature {
  /** The image's name, as the signature check read it. */
  readonly name: string;
  /** The file as it was when its start was read. */
  readonly identity: FileIdentity;
  readonly signer: VerifiedImage;
}

async function requireSignatureFile(imagePath: string, signaturePath: string): Promise<void> {
  let info;
  try {
    info = await stat(signaturePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new RunError(`cannot read '${signaturePath}': ${(error as Error).message}`);
    throw new RunError(
      `image '${imagePath}' is not signed: '${signaturePath}' does not exist ` + `(sign it, or run it unchecked with --insecure-options=image)`,
    );
  }
  if (!info.isFile()) throw new RunError(`signature '${signaturePath}' is not a regular file`);
}

async function keysTrustedFor(name: string, dir: string): Promise<string[]> {
  try {
    return await requireTrustedKeys(name, dir);
  } catch (error) {
    if (error instanceof TrustError || error instanceof VerificationError) throw new RunError(error.message, { cause: error });
    throw error;
  }
}

export async function checkImageSignature(
  imagePath: string,
  image: FileHandle,
  options: { readonly trustDir?: string; readonly signal?: AbortSignal } = {},
): Promise<CheckedSignature> {
  const signaturePath = `${imagePath}.asc`;
  const dir = options.trustDir ?? trustDir();
  await requireSignatureFile(imagePath, signaturePath);
  const { manifest, identity } = await readImageManifest(imagePath, { handle: image, ...(options.signal === undefined ? {} : { signal: options.signal }) }).catch(
    (error: unknown) => {
      throw error instanceof ImageError ? new RunError(error.message, { cause: error }) : error;
    },
  );
  const keys = await keysTrustedFor(manifest.name, dir);
  // The open file itself, not the path again: it cannot be swapped between checking and unpacking.
  const opened = `/proc/self/fd/${image.fd}`;
  try {
    const signer = await verifyImage(opened, signaturePath, keys);
    return { name: manifest.name, identity, signer };
  } catch (error) {
    if (error instanceof VerificationError) {
      const message = error.message.replaceAll(opened, imagePath);
      throw new RunError(`signature check failed for '${imagePath}' (name '${manifest.name}'): ${message}`, { cause: error });
    }
    throw error;
  }
}
