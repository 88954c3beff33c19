/**
 * rkt's rule for local images: IMAGE.aci.asc must be a valid signature by a key trusted for the
 * image's name. Verification itself is lib/sign's `verifyImage`.
 */
import { access } from "node:fs/promises";
import { requireTrustedKeys, trustDir, verifyImage, VerificationError, type VerifiedImage } from "../sign/index.js";
import { RunError } from "./errors.js";

export async function checkImageSignature(imagePath: string, imageName: string, dir: string = trustDir()): Promise<VerifiedImage> {
  const signaturePath = `${imagePath}.asc`;
  try {
    await access(signaturePath);
  } catch {
    throw new RunError(
      `image '${imagePath}' is not signed: '${signaturePath}' does not exist ` +
        `(sign it, or run it unchecked with --insecure-options=image)`,
    );
  }
  const keys = await requireTrustedKeys(imageName, dir);
  try {
    return await verifyImage(imagePath, signaturePath, keys);
  } catch (error) {
    if (error instanceof VerificationError) {
      throw new RunError(`signature check failed for '${imagePath}' (name '${imageName}'): ${error.message}`);
    }
    throw error;
  }
}
