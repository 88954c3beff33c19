/** Reading and unpacking built images (lib/image). */
export { ImageError } from "./errors.js";
export { detectCompression, type Compression } from "./compression.js";
export {
  parseManifest,
  labelValue,
  storePathMountPoints,
  isUnderNixStore,
  type ImageManifest,
  type AppDefinition,
  type MountPoint,
  type Isolator,
} from "./manifest.js";
export { readImage, type ImageInfo } from "./read.js";
export { extractImage, removeTree } from "./extract.js";
