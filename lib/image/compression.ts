/**
 * Opens an image file as a stream of UNCOMPRESSED tar bytes. The compression is told by magic
 * bytes, never by file name (appc: an `.aci` may be plain, gzip, bzip2 or xz).
 */
import { spawn } from "node:child_process";
import type { FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

export type Compression = "none" | "gzip" | "bzip2" | "xz";

export function detectCompression(head: Uint8Array): Compression {
  const starts = (...bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b)) return "gzip";
  if (starts(0x42, 0x5a, 0x68)) return "bzip2"; // "BZh"
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return "xz";
  return "none";
}

async function sniffCompression(handle: FileHandle): Promise<Compression> {
  const head = Buffer.alloc(6);
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  return detectCompression(head.subarray(0, bytesRead));
}

/** Host decompressors for what zlib cannot do. */
const decompressors: Record<"bzip2" | "xz", string> = { bzip2: "bzip2", xz: "xz" };

export interface UncompressedStream {
  readonly compression: Compression;
  readonly stream: Readable;
  /** Resolves when the decompressor (if a child process) exited cleanly; rejects otherwise. */
  readonly finished: Promise<void>;
}

/** Read size: large for throughput; small when only the start of the archive is wanted. */
export const CHUNK_BYTES = 1024 * 1024;
export const HEAD_CHUNK_BYTES = 64 * 1024;

/**
 * The file's bytes from its start, by positional reads: the handle stays open and untouched for
 * the caller (a FileHandle stream would close it when destroyed), and can be read again.
 */
async function* chunks(handle: FileHandle, options: ReadingOptions): AsyncGenerator<Buffer> {
  for (let position = 0; ; ) {
    options.signal?.throwIfAborted();
    const buffer = Buffer.allocUnsafe(options.chunkBytes);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return;
    position += bytesRead;
    options.onRead?.(position);
    yield buffer.subarray(0, bytesRead);
  }
}

export interface ReadingOptions {
  /** Stops reading, and a host decompressor process. */
  readonly signal?: AbortSignal | undefined;
  readonly chunkBytes: number;
  /** Told how many bytes of the file were read so far. */
  readonly onRead?: ((position: number) => void) | undefined;
}

/** `handle` is read from its start and left open (the caller closes it). */
export async function openUncompressed(handle: FileHandle, options: ReadingOptions): Promise<UncompressedStream> {
  const { signal } = options;
  const compression = await sniffCompression(handle);
  const file = Readable.from(chunks(handle, options), { objectMode: false });
  if (compression === "none") return { compression, stream: file, finished: Promise.resolve() };
  if (compression === "gzip") {
    const gunzip = createGunzip();
    file.on("error", (error) => gunzip.destroy(error));
    return { compression, stream: file.pipe(gunzip), finished: Promise.resolve() };
  }
  const tool = decompressors[compression];
  const child = spawn(tool, ["-dc"], { stdio: ["pipe", "pipe", "pipe"], ...(signal === undefined ? {} : { signal }) });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  file.on("error", (error) => child.stdout.destroy(error));
  // The decompressor may stop reading early (corrupt input); that is reported by its exit code.
  child.stdin.on("error", () => undefined);
  file.pipe(child.stdin);
  const finished = new Promise<void>((resolve, reject) => {
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "ENOENT"
            ? `the image is ${compression}-compressed and '${tool}' is not installed (Debian package '${tool === "xz" ? "xz-utils" : "bzip2"}')`
            : `${tool}: ${error.message}`,
        ),
      ),
    );
    child.on("close", (code, killedBy) => {
      if (code === 0) resolve();
      else reject(new Error(`${tool} -dc failed (${killedBy ?? `exit ${code}`}): ${stderr.trim() || "corrupt data"}`));
    });
  });
  // Keep an early failure from being an unhandled rejection before the caller awaits it.
  finished.catch(() => undefined);
  return { compression, stream: child.stdout, finished };
}
