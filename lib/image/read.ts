/** `readImage`: what `nix2aci inspect` shows, in one streaming pass and without unpacking. */
import { ImageError } from "./errors.js";
import { parseManifest, storePathMountPoints, type ImageManifest, type MountPoint } from "./manifest.js";
import { walkImage, type WalkResult } from "./walk.js";

export interface ImageInfo extends Omit<WalkResult, "manifestText"> {
  readonly manifest: ImageManifest;
  /** The manifest's bytes as stored (for display and byte-exact comparison). */
  readonly manifestText: string;
  /** Thin images: the mountPoints under /nix/store that host volumes must fill. */
  readonly storeMountPoints: readonly MountPoint[];
}

export function toImageInfo(imagePath: string, walked: WalkResult): ImageInfo {
  let manifest: ImageManifest;
  try {
    manifest = parseManifest(walked.manifestText);
  } catch (error) {
    throw new ImageError(imagePath, (error as Error).message);
  }
  return { ...walked, manifest, storeMountPoints: storePathMountPoints(manifest) };
}

export async function readImage(imagePath: string): Promise<ImageInfo> {
  return toImageInfo(imagePath, await walkImage(imagePath));
}
