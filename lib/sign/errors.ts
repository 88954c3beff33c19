/** Why signing failed; callers switch on `reason`, people read `message`. */
export type SigningFailure =
  | "gpg-missing" // no GnuPG 2 binary
  | "no-secret-key" // the requested (or default) secret key is not in the keyring
  | "locked-key" // the key needs a passphrase that could not be asked for
  | "eddsa-key" // the key is EdDSA, which rkt cannot verify (and allowEdDSA was not given)
  | "unreadable-image" // the image file cannot be read
  | "gpg-failed"; // any other gpg failure (its stderr is in the message)

export class SigningError extends Error {
  override readonly name = "SigningError";
  constructor(
    readonly reason: SigningFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Why verification failed. */
export type VerificationFailure =
  | "unreadable-image" // the image file cannot be read
  | "unreadable-signature" // not an ASCII-armored OpenPGP signature (or truncated, or corrupt)
  | "unreadable-key" // a given public key cannot be parsed
  | "no-keys" // no public key was given
  | "unknown-signer" // no given key made the signature
  | "bad-signature" // the signature does not match the image bytes (or the key is expired/revoked)
  | "eddsa-key"; // the signer's key is EdDSA, which rkt cannot verify (and allowEdDSA was not given)

export class VerificationError extends Error {
  override readonly name = "VerificationError";
  constructor(
    readonly reason: VerificationFailure,
    message: string,
  ) {
    super(message);
  }
}
