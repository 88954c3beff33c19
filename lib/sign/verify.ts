/**
 * Verifies an image against its detached signature the way rkt does: an ASCII-armored OpenPGP
 * signature over the exact bytes of the `.aci` file, made by one of the given public keys.
 */
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { loadOpenpgp, type OpenPGP } from "./openpgp.js";
import { algorithmName, EDDSA_EXPLANATION, isEdDSAAlgorithm, rktUnreadableExplanation, rktUnreadableKeys } from "./algorithms.js";
import { VerificationError } from "./errors.js";

export interface VerifyImageOptions {
  /**
   * Accept a signer key rkt itself cannot use: an EdDSA key, or one holding a (sub)key Go's
   * openpgp cannot parse (a cv25519 encryption subkey). Default false.
   */
  readonly allowEdDSA?: boolean;
  /** Told how many bytes of the image were read so far, of how many (a progress display). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Opens a regular file for reading; anything else (a FIFO that would block forever, a device, a
 * folder) is refused. O_NONBLOCK makes opening a FIFO return at once.
 */
async function openRegularFile(path: string): Promise<FileHandle> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new Error("not a regular file");
  }
  return handle;
}

/** A small regular file's text (a key, a signature): refuses FIFOs and anything over `limit` bytes. */
export async function readSmallFile(path: string, what: string, limit = 4 * 1024 * 1024): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await openRegularFile(path);
  } catch (error) {
    throw new Error(`cannot read ${what} '${path}': ${message(error)}`);
  }
  try {
    if ((await handle.stat()).size > limit) throw new Error(`${what} '${path}' is larger than ${limit} bytes`);
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

export interface VerifiedImage {
  /** Fingerprint (upper-case hex) of the signer's primary key: what `trust` records. */
  readonly fingerprint: string;
  /** Fingerprint of the key or subkey that made the signature. */
  readonly signingKeyFingerprint: string;
  /** The signer key's primary user ID, e.g. `Jane Doe <jane@example.org>` ("" when it has none). */
  readonly userID: string;
  readonly algorithmId: number;
  readonly algorithm: string;
  readonly created: Date;
}

const ARMORED_KEY_BLOCK = /-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g;

/** openpgp.readKeys reads only the first armored block; key files are often several `cat`ed together. */
function armoredBlocks(text: string): string[] {
  const blocks = text.match(ARMORED_KEY_BLOCK);
  return blocks === null ? [text] : [...blocks];
}

async function readPublicKeys(armoredPublicKeys: readonly string[]): Promise<OpenPGP.Key[]> {
  if (armoredPublicKeys.length === 0) throw new VerificationError("no-keys", "no public key given to verify with");
  const openpgp = await loadOpenpgp();
  const keys: OpenPGP.Key[] = [];
  for (const [index, armored] of armoredPublicKeys.entries()) {
    for (const armoredKeys of armoredBlocks(armored)) {
      try {
        keys.push(...(await openpgp.readKeys({ armoredKeys })));
      } catch (error) {
        throw new VerificationError("unreadable-key", `public key #${index + 1} is not an ASCII-armored OpenPGP key: ${message(error)}`);
      }
    }
  }
  return keys;
}

async function readArmoredSignature(armoredSignature: string): Promise<OpenPGP.Signature> {
  const openpgp = await loadOpenpgp();
  try {
    return await openpgp.readSignature({ armoredSignature });
  } catch (error) {
    throw new VerificationError("unreadable-signature", `not an ASCII-armored OpenPGP signature (truncated or corrupt?): ${message(error)}`);
  }
}

async function primaryUserID(key: OpenPGP.Key): Promise<string> {
  try {
    return (await key.getPrimaryUser()).user.userID?.userID ?? "";
  } catch {
    return key.getUserIDs()[0] ?? "";
  }
}

/**
 * Checks `signaturePath` (ASCII-armored, detached) over the bytes of `imagePath`, streaming the
 * image, against `armoredPublicKeys` (each one or more armored key blocks). Resolves to the
 * signer; rejects with a VerificationError whose `reason` says why not.
 */
export async function verifyImage(
  imagePath: string,
  signaturePath: string,
  armoredPublicKeys: readonly string[],
  options: VerifyImageOptions = {},
): Promise<VerifiedImage> {
  const keys = await readPublicKeys(armoredPublicKeys);

  let armoredSignature: string;
  try {
    armoredSignature = await readSmallFile(signaturePath, "signature");
  } catch (error) {
    throw new VerificationError("unreadable-signature", message(error));
  }
  const signature = await readArmoredSignature(armoredSignature);

  // Which given key made it? (Decided before reading the image: an unknown signer costs nothing.)
  const issuers = signature.getSigningKeyIDs();
  const signer = keys
    .flatMap((key) => issuers.flatMap((keyID) => key.getKeys(keyID).map((signingKey) => ({ key, signingKey }))))
    .at(0);
  if (signer === undefined) {
    const ids = issuers.map((id) => id.toHex().toUpperCase()).join(", ") || "none";
    throw new VerificationError("unknown-signer", `the signature was made by key ${ids}, which is not among the given keys`);
  }
  const algorithmIdNumber: number = signer.signingKey.keyPacket.algorithm;
  if (isEdDSAAlgorithm(algorithmIdNumber) && options.allowEdDSA !== true) {
    throw new VerificationError(
      "eddsa-key",
      `the signature was made by EdDSA key ${signer.signingKey.getFingerprint().toUpperCase()}: ${EDDSA_EXPLANATION}`,
    );
  }
  const unreadable = rktUnreadableKeys(signer.key);
  if (unreadable.length > 0 && options.allowEdDSA !== true) {
    throw new VerificationError("rkt-unreadable-key", rktUnreadableExplanation(signer.key.getFingerprint().toUpperCase(), unreadable));
  }

  let handle;
  try {
    handle = await openRegularFile(imagePath);
  } catch (error) {
    throw new VerificationError("unreadable-image", `cannot read image '${imagePath}': ${message(error)}`);
  }
  try {
    const openpgp = await loadOpenpgp();
    // A version 4 signature's digest is computed here with Node's native hashing (gpg's speed);
    // openpgp.js then only checks the signature over it. Any other signature it hashes itself.
    const packet = signature.packets.find((candidate) => candidate.issuerKeyID.equals(signer.signingKey.getKeyID()));
    const digest = packet === undefined ? undefined : await nativeDigest(handle, packet, options.onProgress);
    if (packet !== undefined && digest !== undefined) (packet as { hashed?: Promise<Uint8Array> }).hashed = Promise.resolve(digest);
    const bytes = digest !== undefined ? new Uint8Array(0) : (Readable.toWeb(handle.createReadStream({ autoClose: false })) as ReadableStream<Uint8Array>);
    const result = await openpgp.verify({
      message: await openpgp.createMessage({ binary: bytes }),
      signature,
      verificationKeys: [signer.key],
      format: "binary",
    });
    // Streamed: the checks complete only once the data has been read through.
    const data: unknown = result.data;
    if (data instanceof ReadableStream) {
      const reader = data.getReader();
      while (!(await reader.read()).done);
    }
    for (const entry of result.signatures) {
      if (!entry.keyID.equals(signer.signingKey.getKeyID())) continue;
      try {
        await entry.verified;
      } catch (error) {
        throw new VerificationError("bad-signature", `BAD signature on '${imagePath}': ${message(error)}`);
      }
      const packet = (await entry.signature).packets[0];
      return {
        fingerprint: signer.key.getFingerprint().toUpperCase(),
        signingKeyFingerprint: signer.signingKey.getFingerprint().toUpperCase(),
        userID: await primaryUserID(signer.key),
        algorithmId: algorithmIdNumber,
        algorithm: algorithmName(algorithmIdNumber),
        created: packet?.created ?? new Date(0),
      };
    }
    throw new VerificationError("unknown-signer", "no signature by the given keys was checked");
  } catch (error) {
    if (error instanceof VerificationError) throw error;
    throw new VerificationError("unreadable-image", `cannot read image '${imagePath}': ${message(error)}`);
  } finally {
    await handle.close();
  }
}

/** Node's names of the OpenPGP hash algorithms (RFC 9580 ids) it computes natively. */
const NODE_HASHES: Readonly<Record<number, string>> = { 1: "md5", 2: "sha1", 3: "ripemd160", 8: "sha256", 9: "sha384", 10: "sha512", 11: "sha224", 12: "sha3-256", 14: "sha3-512" };

/**
 * The digest a version 4 signature over binary data is made on, H(data ‖ hashed signature fields
 * ‖ 0x04 0xFF ‖ their length as 4 bytes) (RFC 4880 5.2.4), reading the image once with positional
 * reads; undefined for other signatures.
 */
async function nativeDigest(
  handle: FileHandle,
  packet: OpenPGP.SignaturePacket,
  onProgress: ((done: number, total: number) => void) | undefined,
): Promise<Uint8Array | undefined> {
  const algorithm = packet.hashAlgorithm === null ? undefined : NODE_HASHES[packet.hashAlgorithm];
  if (packet.version !== 4 || packet.signatureType !== 0 || packet.signatureData === null || algorithm === undefined) return undefined;
  const hash = createHash(algorithm);
  const total = (await handle.stat()).size;
  // Two buffers: the next read runs in the thread pool while this one is hashed.
  const buffers = [Buffer.allocUnsafe(1024 * 1024), Buffer.allocUnsafe(1024 * 1024)] as const;
  const readAt = (index: number, position: number) => handle.read(buffers[index % 2] as Buffer, 0, buffers[0].length, position);
  let position = 0;
  let reading = readAt(0, 0);
  for (let index = 0; ; index++) {
    const { bytesRead, buffer } = await reading;
    if (bytesRead === 0) break;
    position += bytesRead;
    reading = readAt(index + 1, position);
    hash.update(buffer.subarray(0, bytesRead));
    onProgress?.(position, total);
  }
  const trailer = Buffer.from([0x04, 0xff, 0, 0, 0, 0]);
  trailer.writeUInt32BE(packet.signatureData.length, 2);
  hash.update(packet.signatureData);
  hash.update(trailer);
  return new Uint8Array(hash.digest());
}

/** What went wrong, from whatever was thrown. */
function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
