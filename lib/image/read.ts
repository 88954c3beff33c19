/** `readImage`: what `nix2aci inspect` shows, in one streaming pass and without unpacking. */
import { ImageError } from "./errors.js";
import { manifestName, parseManifest, storePathMountPoints, type ImageManifest, type MountPoint } from "./manifest.js";
import { readManifestText, walkImage, type FileIdentity, type ReadOptions, type WalkResult } from "./walk.js";

export interface ImageInfo extends Omit<WalkResult, "manifestText"> {
  readonly manifest: ImageManifest;
  /** The manifest's bytes as stored (for display and byte-exact comparison). */
  readonly manifestText: string;
  /** Thin images: the mountPoints under /nix/store that host volumes must fill. */
  readonly storeMountPoints: readonly MountPoint[];
}

/** `read(text)`, its failure reported as an ImageError naming the image. */
async function fromManifest<T>(imagePath: string, text: string, read: (text: string) => T | Promise<T>): Promise<T> {
  try {
    return await read(text);
  } catch (error) {
    throw new ImageError(imagePath, (error as Error).message);
  }
}

function manifestOf(imagePath: string, text: string): Promise<ImageManifest> {
  return fromManifest(imagePath, text, parseManifest);
}

export async function toImageInfo(imagePath: string, walked: WalkResult): Promise<ImageInfo> {
  const manifest = await manifestOf(imagePath, walked.manifestText);
  return { ...walked, manifest, storeMountPoints: storePathMountPoints(manifest) };
}

export async function readImage(imagePath: string, options: ReadOptions = {}): Promise<ImageInfo> {
  return toImageInfo(imagePath, await walkImage(imagePath, options));
}

/**
 * The manifest alone, decompressing only the start of the archive: for deciding whether an
 * image may be read further (its name selects the trusted keys) at a bounded cost.
 */
export async function readImageManifest(imagePath: string, options: ReadOptions = {}): Promise<{ manifest: ImageManifest; identity: FileIdentity }> {
  const { manifestText, identity } = await readManifestText(imagePath, options);
  return { manifest: await manifestOf(imagePath, manifestText), identity };
}

/** The manifest's name alone (an AC identifier), reading as readImageManifest does but without the schema. */
export async function readImageName(imagePath: string, options: ReadOptions = {}): Promise<string> {
  const { manifestText } = await readManifestText(imagePath, options);
  return fromManifest(imagePath, manifestText, manifestName);
}
