/**
 * Which OpenPGP public-key algorithms rkt can verify. rkt checks image signatures with Go's
 * `golang.org/x/crypto/openpgp`, which cannot parse EdDSA keys at all (a keyring holding one
 * fails to load), so a signature made with one can never be verified by rkt.
 */

/** RFC 4880/9580 public-key algorithm ids of the EdDSA family: EdDSA (gpg 2.2), Ed25519, Ed448. */
export const EDDSA_ALGORITHM_IDS: ReadonlySet<number> = new Set([22, 27, 28]);

export function isEdDSAAlgorithm(algorithmId: number): boolean {
  return EDDSA_ALGORITHM_IDS.has(algorithmId);
}

/** A readable name for an algorithm id, for messages ("RSA", "EdDSA", ...). */
export function algorithmName(algorithmId: number): string {
  switch (algorithmId) {
    case 1:
    case 2:
    case 3:
      return "RSA";
    case 16:
      return "ElGamal";
    case 17:
      return "DSA";
    case 18:
      return "ECDH";
    case 19:
      return "ECDSA";
    case 22:
      return "EdDSA";
    case 27:
      return "Ed25519";
    case 28:
      return "Ed448";
    default:
      return `algorithm ${algorithmId}`;
  }
}

export const EDDSA_EXPLANATION =
  "rkt verifies signatures with Go's x/crypto/openpgp, which cannot read EdDSA (ed25519) keys at all, " +
  "so rkt could never verify this signature; sign with an RSA key (e.g. gpg --quick-gen-key 'You <you@example.org>' rsa3072 sign)";
