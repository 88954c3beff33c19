/**
 * One streaming pass over an image: decompress, hash the uncompressed bytes (the image ID), parse
 * the tar with node-tar, check every entry against the ACI rules, and hand each entry to a visitor
 * in archive order. Nothing is held in memory but the manifest.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { stat } from "node:fs/promises";
import { Parser, type ReadEntry } from "tar";
import { openUncompressed, type Compression } from "./compression.js";
import { AciEntryChecker, EntryRuleError, type CheckedEntry } from "./entry-rules.js";
import { ImageError } from "./errors.js";

export type EntryVisitor = (entry: ReadEntry, checked: CheckedEntry) => Promise<void>;

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
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function walkImage(imagePath: string, visit?: EntryVisitor): Promise<WalkResult> {
  let compressedSize: number;
  try {
    const info = await stat(imagePath);
    if (!info.isFile()) throw new Error("not a regular file");
    compressedSize = info.size;
  } catch (error) {
    throw new ImageError(imagePath, `cannot read image: ${describe(error)}`);
  }
  const source = await openUncompressed(imagePath);
  const hash = createHash("sha512");
  const parser = new Parser({ strict: true });
  const checker = new AciEntryChecker();
  let failure: unknown;
  let manifestText: string | undefined;
  let uncompressedSize = 0;
  let fileCount = 0;
  let entryCount = 0;

  // node-tar emits the next entry only after the current one ended, so this chain stays in order.
  let chain: Promise<void> = Promise.resolve();
  parser.on("entry", (entry: ReadEntry) => {
    chain = chain.then(async () => {
      try {
        if (failure !== undefined) return;
        const checked = checker.check(entry);
        entryCount++;
        if (checked.kind === "file" || checked.kind === "hardlink") fileCount++;
        if (checked.kind === "manifest") {
          manifestText = (await entry.concat()).toString("utf8");
        } else if (visit !== undefined) {
          await visit(entry, checked);
        }
      } catch (error) {
        failure ??= error;
      } finally {
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
      if (failure !== undefined) break;
      hash.update(chunk);
      uncompressedSize += chunk.length;
      if (!parser.write(chunk)) await Promise.race([once(parser, "drain"), parserError]);
    }
    if (failure === undefined) {
      parser.end();
      await Promise.race([parserEnd, parserError]);
      await chain;
      await source.finished;
    }
  } catch (error) {
    failure ??= error;
  }
  await chain;
  if (failure === undefined) {
    try {
      checker.finish();
    } catch (error) {
      failure = error;
    }
  }
  if (failure !== undefined) {
    if (failure instanceof ImageError) throw failure;
    const prefix = failure instanceof EntryRuleError ? "" : "not a valid ACI archive: ";
    throw new ImageError(imagePath, prefix + describe(failure));
  }
  return {
    imageId: `sha512-${hash.digest("hex")}`,
    compression: source.compression,
    compressedSize,
    uncompressedSize,
    fileCount,
    entryCount,
    manifestText: manifestText ?? "",
  };
}
