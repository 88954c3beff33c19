/**
 * Which OpenPGP keys rkt can use. rkt reads keys and checks signatures with Go's
 * `golang.org/x/crypto/openpgp`, which parses only version 4 keys of RSA, DSA, ElGamal, and ECDSA
 * and ECDH on the NIST curves. A key file holding any other key packet, even an encryption
 * subkey that never signs (gpg's default cv25519 one), fails to load as a whole ("invalid oid
 * length"), so rkt cannot check a signature made by that key's other (sub)keys either.
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
    case 25:
      return "X25519";
    case 26:
      return "X448";
    case 27:
      return "Ed25519";
    case 28:
      return "Ed448";
    default:
      return `algorithm ${algorithmId}`;
  }
}

const GO_ALGORITHMS: ReadonlySet<number> = new Set([1, 2, 3, 16, 17]);
const GO_CURVE_ALGORITHMS: ReadonlySet<number> = new Set([18, 19]);
/** openpgp.js's names of the curves Go's openpgp knows (P-256, P-384, P-521). */
const GO_CURVES: ReadonlySet<string> = new Set(["nistP256", "nistP384", "nistP521"]);

/** One key packet, as far as rkt's parser cares. */
export interface KeyPacketFacts {
  readonly version: number;
  readonly algorithm: number;
  /** openpgp.js's curve name for ECC keys (`curve25519Legacy`, `nistP256`, ...). */
  readonly curve?: string | undefined;
}

/** Why rkt (Go's openpgp) cannot parse this key packet, or undefined when it can. */
export function rktCannotRead(packet: KeyPacketFacts): string | undefined {
  if (packet.version !== 4) return `a version ${packet.version} key`;
  if (GO_ALGORITHMS.has(packet.algorithm)) return undefined;
  if (GO_CURVE_ALGORITHMS.has(packet.algorithm) && packet.curve !== undefined && GO_CURVES.has(packet.curve)) return undefined;
  return `${algorithmName(packet.algorithm)}${packet.curve === undefined ? "" : ` on ${packet.curve.replace(/Legacy$/, "")}`}`;
}

export const EDDSA_EXPLANATION =
  "rkt verifies signatures with Go's x/crypto/openpgp, which cannot read EdDSA (ed25519) keys at all, " +
  "so rkt could never verify this signature; sign with an RSA key (e.g. gpg --quick-gen-key 'You <you@example.org>' rsa3072 sign)";

/**
 * What rktUnreadableKeys reads of an openpgp.js key or subkey. Declared here rather than taken
 * from openpgp, whose declarations need an optional peer package that consumers of nix2aci's
 * published types may not have.
 */
export interface KeyParts {
  readonly keyPacket: { readonly version: number; readonly algorithm: number };
  getAlgorithmInfo(): { readonly curve?: string | undefined };
  getFingerprint(): string;
}

/** The (sub)keys of `key` that rkt cannot parse, each named with why; empty when rkt can load the key. */
export function rktUnreadableKeys(key: KeyParts & { readonly subkeys: readonly KeyParts[] }): string[] {
  return [key, ...key.subkeys].flatMap((part) => {
    const why = rktCannotRead({ version: part.keyPacket.version, algorithm: part.keyPacket.algorithm, curve: part.getAlgorithmInfo().curve });
    return why === undefined ? [] : [`${part === key ? "primary key" : "subkey"} ${part.getFingerprint().toUpperCase()} (${why})`];
  });
}

/** What to do about a key rkt cannot load: export only what signs (postprocess.sh does). */
export function rktUnreadableExplanation(fingerprint: string, unreadable: readonly string[]): string {
  return (
    `rkt cannot load key ${fingerprint}: Go's x/crypto/openpgp cannot parse its ${unreadable.join(", ")}, ` +
    `so rkt would reject the whole key; trust a copy holding only the signing key, as postprocess.sh exports it ` +
    `(gpg --armor --export --export-options export-minimal 'SIGNING-KEY-FINGERPRINT!')`
  );
}
