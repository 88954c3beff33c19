/** Reading and unpacking built images (lib/image). */
export { ImageError } from "./errors.js";
export { detectCompression, type Compression } from "./compression.js";
export {
  parseManifest,
  manifestName,
  labelValue,
  storePathMountPoints,
  isUnderNixStore,
  MAX_MANIFEST_DEPTH,
  type ImageManifest,
  type AppDefinition,
  type MountPoint,
  type Isolator,
  type EventHandler,
  type Port,
  type NameValue,
} from "./manifest.js";
export { readImage, readImageManifest, readImageName, type ImageInfo } from "./read.js";
export { openImageFile, fileIdentity, sameFile, type FileIdentity, type ReadOptions } from "./walk.js";
export { extractImage, unpackImage, removeTree, stagingOwner, type ExtractOptions, type Unpacked } from "./extract.js";
