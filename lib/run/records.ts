/**
 * What we know about image files already read, so a warm start reads none of their bytes:
 * `<cache>/records/<device>-<inode>.json` holds the file's identity (size, mtime and ctime in
 * nanoseconds) and its image ID, and, once a signature check passed, what that check depended on.
 * A record counts only while the file's identity is exactly the same: writing to a file moves its
 * ctime (which no one can set back), so a changed file is never run under an old ID; it is read
 * again. A Nix store path (ACIs/ links point there) never changes, so its record stays good.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { sameFile, type FileIdentity } from "../image/index.js";
import { writeJsonFile } from "./json-file.js";

export interface FileRecord {
  readonly identity: FileIdentity;
  readonly imageId: string;
  /** The path it was last run by (for people reading the cache, and for gc). */
  readonly path: string;
  /** Set once the file's signature was verified. */
  readonly verified?: {
    /** The image's name, whose trusted keys made the signature count. */
    readonly name: string;
    /** The signature file as it was. */
    readonly signature: FileIdentity;
    /** Digest of the armored keys trusted for the name then: a change (a key removed) means checking again. */
    readonly trustedKeys: string;
  };
}

type Stored = Omit<FileRecord, "identity" | "verified"> & {
  readonly identity: Record<keyof FileIdentity, string>;
  readonly verified?: Omit<NonNullable<FileRecord["verified"]>, "signature"> & { readonly signature: Record<keyof FileIdentity, string> };
};

const FIELDS = ["dev", "ino", "size", "mtimeNs", "ctimeNs"] as const;

function toJson(identity: FileIdentity): Record<keyof FileIdentity, string> {
  return Object.fromEntries(FIELDS.map((field) => [field, identity[field].toString()])) as Record<keyof FileIdentity, string>;
}

function fromJson(stored: Record<keyof FileIdentity, string>): FileIdentity {
  return Object.fromEntries(FIELDS.map((field) => [field, BigInt(stored[field])])) as unknown as FileIdentity;
}

function recordPath(records: string, identity: FileIdentity): string {
  return join(records, `${identity.dev}-${identity.ino}.json`);
}

/** The record of this exact file, if there is one (anything unreadable counts as none). */
export async function findRecord(records: string, identity: FileIdentity): Promise<FileRecord | undefined> {
  try {
    const stored = JSON.parse(await readFile(recordPath(records, identity), "utf8")) as Stored;
    const record: FileRecord = {
      identity: fromJson(stored.identity),
      imageId: stored.imageId,
      path: stored.path,
      ...(stored.verified === undefined ? {} : { verified: { ...stored.verified, signature: fromJson(stored.verified.signature) } }),
    };
    return sameFile(record.identity, identity) && /^sha512-[0-9a-f]{128}$/.test(record.imageId) ? record : undefined;
  } catch {
    return undefined;
  }
}

export async function saveRecord(records: string, record: FileRecord): Promise<void> {
  const path = recordPath(records, record.identity);
  const stored: Stored = {
    identity: toJson(record.identity),
    imageId: record.imageId,
    path: record.path,
    ...(record.verified === undefined ? {} : { verified: { ...record.verified, signature: toJson(record.verified.signature) } }),
  };
  await writeJsonFile(path, stored);
}

/** Removes the records of files that are gone (or whose path now names another file). */
export async function pruneRecords(records: string): Promise<void> {
  for (const name of await readdir(records)) {
    const file = join(records, name);
    try {
      const stored = JSON.parse(await readFile(file, "utf8")) as Stored;
      const info = await stat(stored.path, { bigint: true });
      if (info.dev.toString() === stored.identity.dev && info.ino.toString() === stored.identity.ino) continue;
    } catch {
      // unreadable record, or its file is gone
    }
    await rm(file, { force: true });
  }
}

/** One digest for a set of armored keys, whatever their order. */
export function keysDigest(armoredKeys: readonly string[]): string {
  const hash = createHash("sha256");
  for (const key of [...armoredKeys].sort()) hash.update(`${key.length}:${key}`);
  return hash.digest("hex");
}
