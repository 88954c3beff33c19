/**
 * `extractImage`: unpack an ACI into a new directory, safely and exactly. Entries are checked by
 * the ACI rules first (entry-rules.ts); files are created with O_EXCL|O_NOFOLLOW; modes (setuid
 * bits included), symlinks, hard links and mtimes are preserved, and owners too when running as
 * root. Directory modes are applied last, so read-only directories (Nix store paths are 0555)
 * can still be filled. The result appears atomically: a temporary sibling renamed at the end.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { chmod, chown, lchown, link, lutimes, mkdir, open, rename, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { ReadEntry } from "tar";
import type { CheckedEntry } from "./entry-rules.js";
import { ImageError } from "./errors.js";
import { toImageInfo, type ImageInfo } from "./read.js";
import { walkImage } from "./walk.js";

interface Metadata {
  readonly path: string;
  readonly mode: number;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  readonly mtime: Date | undefined;
}

const asRoot = process.getuid?.() === 0;

function metadataOf(path: string, entry: ReadEntry, defaultMode: number): Metadata {
  return {
    path,
    mode: typeof entry.mode === "number" ? entry.mode & 0o7777 : defaultMode,
    uid: entry.uid,
    gid: entry.gid,
    mtime: entry.mtime,
  };
}

async function writeEntryFile(path: string, entry: ReadEntry): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const handle = await open(path, flags, 0o600);
  try {
    // ReadEntry is a Minipass stream: iterate it (stream.pipeline would wait for a 'close' it never emits).
    for await (const chunk of entry as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) offset += (await handle.write(chunk, offset)).bytesWritten;
    }
    const meta = metadataOf(path, entry, 0o644);
    // chown first: it clears setuid/setgid bits, which chmod then sets.
    if (asRoot && meta.uid !== undefined && meta.gid !== undefined) await handle.chown(meta.uid, meta.gid);
    await handle.chmod(meta.mode);
    if (meta.mtime !== undefined) await handle.utimes(meta.mtime, meta.mtime);
  } finally {
    await handle.close();
  }
}

async function applyDirectory(meta: Metadata): Promise<void> {
  if (asRoot && meta.uid !== undefined && meta.gid !== undefined) await chown(meta.path, meta.uid, meta.gid);
  await chmod(meta.path, meta.mode);
  if (meta.mtime !== undefined) await utimes(meta.path, meta.mtime, meta.mtime);
}

export async function extractImage(imagePath: string, dir: string): Promise<ImageInfo> {
  try {
    await stat(dir);
    throw new ImageError(imagePath, `cannot extract into '${dir}': it already exists`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(dirname(dir), { recursive: true });
  const staging = join(dirname(dir), `.${basename(dir)}.partial-${randomBytes(6).toString("hex")}`);
  await mkdir(staging, { mode: 0o700 });
  const directories: Metadata[] = [];

  const visit = async (entry: ReadEntry, checked: CheckedEntry): Promise<void> => {
    try {
      await unpackEntry(entry, checked);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const hint = code === "EINVAL" && /chown/.test(String(error)) ? ` (uid ${entry.uid}/gid ${entry.gid} is not mapped in this user namespace)` : "";
      throw new ImageError(imagePath, `cannot unpack '${checked.path}': ${(error as Error).message}${hint}`);
    }
  };
  const unpackEntry = async (entry: ReadEntry, checked: CheckedEntry): Promise<void> => {
    const target = join(staging, checked.path);
    if (checked.kind === "directory") {
      // Owner-writable while filling; the recorded mode is applied at the end.
      await mkdir(target, { recursive: true, mode: 0o755 });
      await chmod(target, 0o700);
      directories.push(metadataOf(target, entry, 0o755));
      return;
    }
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    if (checked.kind === "file") {
      await writeEntryFile(target, entry);
    } else if (checked.kind === "symlink") {
      await symlink(checked.linkpath ?? "", target);
      const meta = metadataOf(target, entry, 0o777);
      if (asRoot && meta.uid !== undefined && meta.gid !== undefined) await lchown(target, meta.uid, meta.gid);
      if (meta.mtime !== undefined) await lutimes(target, meta.mtime, meta.mtime);
    } else if (checked.kind === "hardlink") {
      await link(join(staging, checked.linkpath ?? ""), target);
    }
  };

  try {
    const walked = await walkImage(imagePath, visit);
    const info = toImageInfo(imagePath, walked);
    await writeFile(join(staging, "manifest"), walked.manifestText, { mode: 0o644 });
    // Deepest first, so a parent's mtime is set after its children changed it.
    directories.sort((a, b) => b.path.length - a.path.length);
    for (const meta of directories) {
      await applyDirectory(meta).catch((error: Error) => {
        throw new ImageError(imagePath, `cannot set owner/mode of '${meta.path.slice(staging.length + 1)}': ${error.message}`);
      });
    }
    await chmod(staging, 0o755);
    await rename(staging, dir);
    return info;
  } catch (error) {
    await removeTree(staging);
    throw error;
  }
}

/** rm -rf that also copes with read-only directories (0555 store paths) when not root. */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch {
    const { execFile } = await import("node:child_process");
    await new Promise<void>((resolve) => {
      execFile("chmod", ["-R", "u+rwx", path], () => resolve());
    });
    await rm(path, { recursive: true, force: true });
  }
}
