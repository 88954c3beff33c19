/** Why verification failed; callers switch on `reason`, people read `message`. */
export type VerificationFailure =
  | "unreadable-image" // the image file cannot be read
  | "unreadable-signature" // not an ASCII-armored OpenPGP signature (or truncated, or corrupt)
  | "unreadable-key" // a given public key cannot be parsed
  | "no-keys" // no public key was given
  | "no-trusted-key" // no key is trusted for the image's name
  | "unknown-signer" // no given key made the signature
  | "bad-signature" // the signature does not match the image bytes (or the key is expired/revoked)
  | "eddsa-key" // the signer's key is EdDSA, which rkt cannot verify (and allowEdDSA was not given)
  | "rkt-unreadable-key"; // the signer's key holds a (sub)key rkt cannot parse, so rkt cannot load it

export class VerificationError extends Error {
  override readonly name = "VerificationError";
  constructor(
    readonly reason: VerificationFailure,
    message: string,
  ) {
    super(message);
  }
}

/** A key that cannot be trusted (not a public key, a bad prefix) or a trust folder that cannot be used. */
export class TrustError extends Error {
  override readonly name = "TrustError";
}
