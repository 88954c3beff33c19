/**
 * Unpacked images, once per image ID: <cache>/images/sha512-<first 64 hex>/{manifest,rootfs}.
 * <cache> is $NIX2ACI_CACHE_DIR, else $XDG_CACHE_HOME/nix2aci, else ~/.cache/nix2aci. Entries are
 * written to a temporary sibling and renamed into place, so a half-unpacked image is never seen;
 * two runs racing to unpack the same image both succeed and one copy wins. The cached tree is
 * never written to: every run works on its own copy (run-root.ts).
 */
import { rename, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { extractImage, removeTree, type ImageInfo } from "../image/index.js";
import { RunError } from "./errors.js";

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env["NIX2ACI_CACHE_DIR"];
  if (configured !== undefined && configured !== "") return configured;
  const cacheHome = env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
  return join(cacheHome, "nix2aci");
}

/** rkt keys its store on the first 64 hex digits of the sha512; so do we. */
export function cacheKey(imageId: string): string {
  const match = /^sha512-([0-9a-f]{64})[0-9a-f]{64}$/.exec(imageId);
  if (match === null) throw new RunError(`not an image ID: '${imageId}'`);
  return `sha512-${match[1]}`;
}

export interface UnpackedImage {
  readonly dir: string;
  readonly rootfs: string;
  /** false when this call did the unpacking. */
  readonly cached: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure the image (already read as `expected`) is unpacked in the cache. The unpacking pass
 * hashes the file again: if its ID differs from `expected` the file changed under us, and the
 * result is thrown away.
 */
export async function ensureUnpacked(imagePath: string, expected: ImageInfo, root: string = cacheDir()): Promise<UnpackedImage> {
  const dir = join(root, "images", cacheKey(expected.imageId));
  const rootfs = join(dir, "rootfs");
  if (await exists(join(dir, "manifest"))) return { dir, rootfs, cached: true };
  const staging = `${dir}.unpacking-${process.pid}-${Date.now()}`;
  const unpacked = await extractImage(imagePath, staging);
  if (unpacked.imageId !== expected.imageId) {
    await removeTree(staging);
    throw new RunError(`image '${imagePath}' changed while it was being read (its ID differs between two reads)`);
  }
  try {
    await rename(staging, dir);
    return { dir, rootfs, cached: false };
  } catch (error) {
    // Another run unpacked the same image first: use theirs.
    await removeTree(staging);
    if (await exists(join(dir, "manifest"))) return { dir, rootfs, cached: true };
    throw error;
  }
}
