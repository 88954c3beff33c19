/**
 * The image store (rkt's name for it): each unpacked image in `<cache>/images/sha512-<64 hex>/`
 * holds `manifest` (checked when it was unpacked), `rootfs/`, `info.json` (ID, name, version,
 * size, when unpacked, which keys' signatures were verified for it) and `last-used` (its mtime).
 * A run marks what it uses in `<cache>/runs/run-PID-…/image`, so `image rm` and `image gc` leave
 * images in use alone. Listing, finding by ID or name, removing and collecting garbage live here;
 * `nix2aci image` prints them.
 */
import { randomBytes } from "node:crypto";
import { readdir, readFile, rename, stat, utimes, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { labelValue, removeTree, type ImageInfo, type ImageManifest } from "../image/index.js";
import { cacheKey, isGone, runOwner, type CacheDirs } from "./cache.js";
import { RunError } from "./errors.js";
import { writeJsonFile } from "./json-file.js";
import { pruneRecords } from "./records.js";

const INFO = "info.json";
const LAST_USED = "last-used";
const IN_USE = "image";

export interface StoredImage {
  /** The folder name: `sha512-` and the first 64 hex digits of the ID (rkt's store key). */
  readonly key: string;
  readonly imageId: string;
  readonly name: string;
  readonly version?: string;
  /** The image's uncompressed size, bytes (what its tree takes, near enough). */
  readonly size: number;
  readonly unpackedAt: Date;
  readonly lastUsed: Date;
  /** Primary-key fingerprints (upper-case hex) of verified signatures over a file of this image. */
  readonly signers: readonly string[];
  readonly dir: string;
}

interface InfoFile {
  readonly imageId: string;
  readonly name: string;
  readonly version?: string;
  readonly size: number;
  readonly unpackedAt: string;
  readonly signers: readonly string[];
}

/** Where a stored image's folder is renamed before it is deleted (a name the next run sweeps). */
function asideName(images: string, key: string): string {
  return join(images, `.${key}.removing-${process.pid}-${randomBytes(4).toString("hex")}`);
}

async function readInfo(dir: string): Promise<InfoFile | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, INFO), "utf8")) as InfoFile;
  } catch {
    return undefined;
  }
}

export async function readStoredImage(images: string, key: string): Promise<StoredImage | undefined> {
  const dir = join(images, key);
  const info = await readInfo(dir);
  if (info === undefined) return undefined;
  const lastUsed = await stat(join(dir, LAST_USED)).then((s) => s.mtime, () => new Date(info.unpackedAt));
  return {
    key,
    imageId: info.imageId,
    name: info.name,
    ...(info.version === undefined ? {} : { version: info.version }),
    size: info.size,
    unpackedAt: new Date(info.unpackedAt),
    lastUsed,
    signers: info.signers,
    dir,
  };
}

/**
 * Puts a freshly unpacked tree (still under its staging name) into the store, or throws it away
 * when another run stored the same image first. Returns the image's folder.
 */
export async function storeUnpacked(images: string, info: ImageInfo, staging: string, signers: readonly string[]): Promise<string> {
  const dir = join(images, cacheKey(info.imageId));
  const version = labelValue(info.manifest, "version");
  const file: InfoFile = {
    imageId: info.imageId,
    name: info.manifest.name,
    ...(version === undefined ? {} : { version }),
    size: info.uncompressedSize,
    unpackedAt: new Date().toISOString(),
    signers,
  };
  try {
    await writeJsonFile(join(staging, INFO), file, 2);
    await writeFile(join(staging, LAST_USED), "");
    await rename(staging, dir);
  } catch (error) {
    if ((await readInfo(dir)) === undefined && (await replaceForeign(images, dir, staging))) return dir;
    await removeTree(staging);
    if ((await readInfo(dir)) === undefined) throw error;
    await addSigners(dir, signers);
  }
  return dir;
}

/**
 * A folder under the image's name without our info.json (left by an older nix2aci, or by hand) is
 * moved aside under a name the next run sweeps, and the fresh tree takes its place. False when
 * there was no such folder or another run stored the image meanwhile.
 */
async function replaceForeign(images: string, dir: string, staging: string): Promise<boolean> {
  const aside = asideName(images, basename(dir));
  try {
    await rename(dir, aside);
  } catch {
    return false;
  }
  try {
    await rename(staging, dir);
  } catch {
    return false;
  } finally {
    await removeTree(aside);
  }
  return true;
}

/** Records that signatures by these keys were verified for the image in `dir`. */
export async function addSigners(dir: string, signers: readonly string[]): Promise<void> {
  const info = await readInfo(dir);
  if (info === undefined || signers.every((signer) => info.signers.includes(signer))) return;
  await writeJsonFile(join(dir, INFO), { ...info, signers: [...new Set([...info.signers, ...signers])].sort() }, 2);
}

/** The manifest of a stored image: checked when it was unpacked, into a folder only we write. */
export async function storedManifest(dir: string): Promise<ImageManifest> {
  return JSON.parse(await readFile(join(dir, "manifest"), "utf8")) as ImageManifest;
}

/** Notes a use of the image (for `image list` and `image gc`) and marks the run using it. */
export async function markUsed(image: StoredImage | { readonly dir: string; readonly key: string }, runDir: string): Promise<void> {
  await writeFile(join(runDir, IN_USE), image.key);
  const now = new Date();
  await utimes(join(image.dir, LAST_USED), now, now).catch(() => writeFile(join(image.dir, LAST_USED), ""));
}

export async function listImages(dirs: CacheDirs): Promise<StoredImage[]> {
  const keys = (await readdir(dirs.images)).filter((name) => /^sha512-[0-9a-f]{64}$/.test(name));
  const images = await Promise.all(keys.map((key) => readStoredImage(dirs.images, key)));
  return images.filter((image): image is StoredImage => image !== undefined).sort((a, b) => a.name.localeCompare(b.name) || b.lastUsed.getTime() - a.lastUsed.getTime());
}

/**
 * Images a reference names: an image ID or a prefix of one (`sha512-` and at least 8 hex digits),
 * or a name, optionally with a version (`example.org/app:1.0`).
 */
export async function findImages(dirs: CacheDirs, reference: string): Promise<StoredImage[]> {
  const all = await listImages(dirs);
  if (reference.startsWith("sha512-")) {
    if (!/^sha512-[0-9a-f]{8,128}$/.test(reference)) throw new RunError(`'${reference}' is not an image ID (sha512- and at least 8 hex digits)`);
    return all.filter((image) => image.imageId.startsWith(reference));
  }
  const colon = reference.lastIndexOf(":");
  const [name, version] = colon === -1 ? [reference, undefined] : [reference.slice(0, colon), reference.slice(colon + 1)];
  return all.filter((image) => image.name === name && (version === undefined || image.version === version));
}

/** The one image a reference names, or a RunError saying why not. */
export async function findImage(dirs: CacheDirs, reference: string): Promise<StoredImage> {
  const found = await findImages(dirs, reference);
  if (found.length === 1 && found[0] !== undefined) return found[0];
  if (found.length === 0) throw new RunError(`no image '${reference}' in the store (nix2aci image list shows what is there)`);
  const which = found.map((image) => `${image.imageId.slice(0, 19)} (${image.name}${image.version === undefined ? "" : `:${image.version}`})`).join(", ");
  throw new RunError(`'${reference}' names ${found.length} images: ${which}; give an image ID or NAME:VERSION`);
}

/** Pids of the running runs that use the image `key`. */
export async function imageUsers(dirs: CacheDirs, key: string): Promise<number[]> {
  const users: number[] = [];
  for (const name of await readdir(dirs.runs)) {
    const pid = runOwner(name);
    if (pid === undefined || isGone(pid)) continue;
    const used = await readFile(join(dirs.runs, name, IN_USE), "utf8").catch(() => "");
    if (used === key) users.push(pid);
  }
  return users;
}

/**
 * Removes a stored image unless a running app uses it. The folder is first renamed out of the
 * store, and its users checked after that: a run that starts meanwhile either was seen (and the
 * removal is refused, the folder put back) or finds no image and unpacks it again.
 */
export async function removeImage(dirs: CacheDirs, image: StoredImage): Promise<void> {
  const removing = asideName(dirs.images, image.key);
  await rename(image.dir, removing);
  const users = await imageUsers(dirs, image.key);
  if (users.length > 0) {
    await rename(removing, image.dir);
    throw new RunError(`image ${image.imageId.slice(0, 19)} (${image.name}) is in use by the run of pid ${users.join(", ")}; remove it when that run has ended`);
  }
  await removeTree(removing);
}

export interface GcOptions {
  /** Remove images not used for this long (milliseconds). */
  readonly unusedFor?: number;
  /** Then remove the least recently used until the store takes at most this many bytes. */
  readonly maxSize?: number;
  readonly now?: Date;
}

export interface GcResult {
  readonly removed: readonly StoredImage[];
  /** Images that would have gone but are in use. */
  readonly kept: readonly StoredImage[];
  readonly remainingSize: number;
}

export async function collectGarbage(dirs: CacheDirs, options: GcOptions, onRemoved: (image: StoredImage) => void = () => undefined): Promise<GcResult> {
  const now = (options.now ?? new Date()).getTime();
  // Oldest use first: with a size limit, those go first.
  const images = (await listImages(dirs)).sort((a, b) => a.lastUsed.getTime() - b.lastUsed.getTime());
  let size = images.reduce((sum, image) => sum + image.size, 0);
  const removed: StoredImage[] = [];
  const kept: StoredImage[] = [];
  for (const image of images) {
    const stale = options.unusedFor !== undefined && now - image.lastUsed.getTime() > options.unusedFor;
    const tooBig = options.maxSize !== undefined && size > options.maxSize;
    if (!stale && !tooBig) continue;
    try {
      await removeImage(dirs, image);
      removed.push(image);
      size -= image.size;
      onRemoved(image);
    } catch (error) {
      if (!(error instanceof RunError)) throw error;
      kept.push(image);
    }
  }
  await pruneRecords(dirs.records);
  return { removed, kept, remainingSize: size };
}
