/** Signing and verifying built images (lib/sign). */
export { EDDSA_ALGORITHM_IDS, isEdDSAAlgorithm, algorithmName } from "./algorithms.js";
export { SigningError, VerificationError, type SigningFailure, type VerificationFailure } from "./errors.js";
export { findGpg, GpgNotFoundError, type GpgOptions } from "./gpg.js";
export { signImage, type SignImageOptions, type SignedImage } from "./sign.js";
export { verifyImage, type VerifyImageOptions, type VerifiedImage } from "./verify.js";
