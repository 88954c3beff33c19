/**
 * Verifying signed images the way rkt does, and the keys trusted for it (lib/sign). Signing is
 * nix/postprocess.sh's, the one signer: it runs with the user's gpg and without Node.
 */
export { EDDSA_ALGORITHM_IDS, isEdDSAAlgorithm, algorithmName, rktCannotRead, type KeyPacketFacts } from "./algorithms.js";
export { TrustError, VerificationError, type VerificationFailure } from "./errors.js";
export { verifyImage, readSmallFile, type VerifyImageOptions, type VerifiedImage } from "./verify.js";
export {
  trustDir,
  trustKeys,
  trustedKeysFor,
  requireTrustedKeys,
  listTrustedKeys,
  type TrustScope,
  type TrustedKey,
} from "./trust-store.js";
