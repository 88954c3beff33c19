/**
 * One streaming pass over an image: decompress, hash the uncompressed bytes (the image ID), parse
 * the tar with node-tar, check every entry against the ACI rules, and hand each entry to a visitor
 * in archive order. Nothing is held in memory but the manifest. node-tar's own types stay inside
 * this file: visitors get an `ArchiveEntry`.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import type { ReadEntry } from "tar";
import { CHUNK_BYTES, HEAD_CHUNK_BYTES, openUncompressed, type Compression } from "./compression.js";
import { AciEntryChecker, EntryRuleError, MAX_MANIFEST_BYTES, unsupportedEntry, type CheckedEntry } from "./entry-rules.js";
import { ImageError } from "./errors.js";

/** An entry that passed the ACI rules, with what unpacking needs. */
export interface ArchiveEntry extends CheckedEntry {
  /** Permission bits as stored (setuid/setgid/sticky included), when the header has them. */
  readonly mode: number | undefined;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  readonly mtime: Date | undefined;
  /** The entry's bytes; read them during the visit or not at all. */
  readonly data: AsyncIterable<Buffer>;
}

export type EntryVisitor = (entry: ArchiveEntry) => Promise<void>;

/** What identifies the bytes of a file without reading them (a change moves ctime). */
export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

export interface WalkResult {
  readonly imageId: string;
  readonly compression: Compression;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Regular files and hard links under rootfs/. */
  readonly fileCount: number;
  /** Every entry of the archive, manifest and rootfs directory included. */
  readonly entryCount: number;
  readonly manifestText: string;
  /** The file read, as it was for the whole pass. */
  readonly identity: FileIdentity;
}

export interface ReadOptions {
  /** An open handle on the image to read instead of opening `imagePath` (which names it in messages). */
  readonly handle?: FileHandle;
  /** Stops the pass (and any decompressor process); the pass then rejects with the abort reason. */
  readonly signal?: AbortSignal;
  /** Told how many bytes of the (compressed) file were read so far, of how many. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface WalkOptions extends ReadOptions {
  readonly visit?: EntryVisitor;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function fileIdentity(handle: FileHandle): Promise<FileIdentity> {
  const info = await handle.stat({ bigint: true });
  return { dev: info.dev, ino: info.ino, size: info.size, mtimeNs: info.mtimeNs, ctimeNs: info.ctimeNs };
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * Opens an image for reading: a regular file only. O_NONBLOCK keeps a FIFO or a device from
 * blocking the open; a regular file ignores the flag.
 */
export async function openImageFile(imagePath: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(imagePath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new ImageError(imagePath, `cannot read image: ${describe(error)}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ImageError(imagePath, "cannot read image: not a regular file");
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

interface Scan {
  readonly compression: Compression;
  readonly uncompressedSize: number;
  readonly hash: string;
  readonly fileCount: number;
  readonly entryCount: number;
  readonly manifestText: string | undefined;
  readonly identity: FileIdentity;
  readonly compressedSize: number;
}

interface ScanOptions extends WalkOptions {
  /** Stop once the manifest is read, and fail if it is not within this many uncompressed bytes. */
  readonly manifestWithin?: number;
}

/**
 * An entry's bytes. When the pass stops early its unfinished entries are destroyed; a destroyed
 * Minipass stream never settles a read begun after that, so each read checks first (the check
 * and the read's start happen together, with no await between).
 */
async function* bytesOf(entry: ReadEntry): AsyncGenerator<Buffer> {
  const reads = (entry as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  for (;;) {
    if (entry.destroyed) throw new Error("the archive ended before this entry did");
    const { value, done } = await reads.next();
    if (done === true) return;
    yield value;
  }
}

async function scan(imagePath: string, options: ScanOptions): Promise<Scan> {
  const handle = options.handle ?? (await openImageFile(imagePath));
  try {
    return await scanHandle(imagePath, handle, options);
  } finally {
    if (options.handle === undefined) await handle.close();
  }
}

async function scanHandle(imagePath: string, handle: FileHandle, options: ScanOptions): Promise<Scan> {
  const identity = await fileIdentity(handle);
  // Our own controller: it also ends the stream and any decompressor when we stop early.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted === true) onAbort();
  const headOnly = options.manifestWithin !== undefined;
  const total = Number(identity.size);
  const source = await openUncompressed(handle, {
    signal: stop.signal,
    chunkBytes: headOnly ? HEAD_CHUNK_BYTES : CHUNK_BYTES,
    onRead: options.onProgress === undefined ? undefined : (position) => options.onProgress?.(position, total),
  });
  const hash = createHash("sha512");
  // Loaded on first use: a warm `nix2aci run` reads no archive.
  const { Parser } = await import("tar");
  const parser = new Parser({ strict: true });
  const checker = new AciEntryChecker();
  let failure: unknown;
  let manifestText: string | undefined;
  let uncompressedSize = 0;
  let fileCount = 0;
  let entryCount = 0;

  // Entries node-tar skips (unknown types, GNU sparse files, oversized metadata) are refused:
  // GNU tar would extract some of them as regular files, so skipping them unchecked is unsafe.
  parser.on("ignoredEntry", (entry: ReadEntry) => {
    failure ??= entry.meta
      ? new EntryRuleError(`entry '${entry.path}': tar metadata (${entry.type}) of ${entry.size} bytes is larger than node-tar reads`)
      : unsupportedEntry(entry.path, entry.type, entry.header.typeKey);
  });
  // node-tar emits the next entry only after the current one ended, so this chain stays in order.
  let chain: Promise<void> = Promise.resolve();
  // Entries not yet handled: destroyed when the pass stops early, so no visitor waits for bytes
  // that will never come.
  const pending = new Set<ReadEntry>();
  parser.on("entry", (entry: ReadEntry) => {
    pending.add(entry);
    chain = chain.then(async () => {
      try {
        if (failure !== undefined) return;
        const checked = checker.check({ path: entry.path, type: entry.type, linkpath: entry.linkpath, size: entry.size });
        entryCount++;
        if (checked.kind === "file" || checked.kind === "hardlink") fileCount++;
        if (checked.kind === "manifest") {
          const chunks: Buffer[] = [];
          for await (const chunk of bytesOf(entry)) chunks.push(chunk);
          manifestText = Buffer.concat(chunks).toString("utf8");
        } else if (options.visit !== undefined) {
          await options.visit({ ...checked, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime, data: bytesOf(entry) });
        }
      } catch (error) {
        failure ??= error;
      } finally {
        pending.delete(entry);
        entry.resume();
      }
    });
  });
  const parserError = new Promise<never>((_, reject) => parser.on("error", reject));
  parserError.catch((error: unknown) => (failure ??= error));
  const parserEnd = once(parser, "end");
  parserEnd.catch(() => undefined); // an 'error' rejects it too; that is reported via `failure`

  try {
    for await (const chunk of source.stream as AsyncIterable<Buffer>) {
      if (failure !== undefined || (headOnly && manifestText !== undefined)) break;
      if (headOnly && uncompressedSize >= (options.manifestWithin ?? 0)) {
        failure = new EntryRuleError(
          `no manifest in the first ${options.manifestWithin} bytes of the archive: the signature is checked before the image is ` +
            `unpacked, and that needs the image's name (nix2aci and actool put the manifest first)`,
        );
        break;
      }
      hash.update(chunk);
      uncompressedSize += chunk.length;
      if (!parser.write(chunk)) await Promise.race([once(parser, "drain"), parserError]);
    }
    if (failure === undefined && !(headOnly && manifestText !== undefined)) {
      parser.end();
      await Promise.race([parserEnd, parserError]);
      await chain;
      await source.finished;
    }
  } catch (error) {
    failure ??= error;
  } finally {
    if (!stop.signal.aborted) stop.abort();
    options.signal?.removeEventListener("abort", onAbort);
    for (const entry of pending) entry.destroy();
  }
  await chain;
  if (options.signal?.aborted === true) throw options.signal.reason;
  // Reading only the head: what lies beyond a complete manifest (even if corrupt) is not read.
  if (headOnly && manifestText !== undefined) failure = undefined;
  if (failure === undefined && !headOnly) {
    try {
      checker.finish();
    } catch (error) {
      failure = error;
    }
  }
  if (failure === undefined && headOnly && manifestText === undefined) failure = new EntryRuleError("no 'manifest' entry: not an ACI");
  if (failure !== undefined) {
    if (failure instanceof ImageError) throw failure;
    const prefix = failure instanceof EntryRuleError ? "" : "not a valid ACI archive: ";
    throw new ImageError(imagePath, prefix + describe(failure));
  }
  if (!headOnly && !sameFile(identity, await fileIdentity(handle))) {
    throw new ImageError(imagePath, "the file changed while it was being read");
  }
  return {
    compression: source.compression,
    uncompressedSize,
    hash: hash.digest("hex"),
    fileCount,
    entryCount,
    manifestText,
    identity,
    compressedSize: Number(identity.size),
  };
}

export async function walkImage(imagePath: string, options: WalkOptions = {}): Promise<WalkResult> {
  const result = await scan(imagePath, options);
  return {
    imageId: `sha512-${result.hash}`,
    compression: result.compression,
    compressedSize: result.compressedSize,
    uncompressedSize: result.uncompressedSize,
    fileCount: result.fileCount,
    entryCount: result.entryCount,
    manifestText: result.manifestText ?? "",
    identity: result.identity,
  };
}

/** How far into the uncompressed archive the manifest must end: it is the first entry of sane images. */
export const MANIFEST_HEAD_BYTES = MAX_MANIFEST_BYTES + 1024 * 1024;

/**
 * The manifest text, decompressing only the start of the archive (entries before it are still
 * checked). Bounded work, for deciding whether to trust an image before reading all of it.
 */
export async function readManifestText(imagePath: string, options: ReadOptions = {}): Promise<{ manifestText: string; identity: FileIdentity }> {
  const result = await scan(imagePath, { ...options, manifestWithin: MANIFEST_HEAD_BYTES });
  return { manifestText: result.manifestText ?? "", identity: result.identity };
}
