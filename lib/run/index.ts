/** Running images with bubblewrap, rkt-style (lib/run). */
export { RunError, EXIT_OWN_FAILURE, EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND } from "./errors.js";
export { parseRunArgs, runCommandSpec, toRunOptions, type RunOptions, type NetworkMode } from "./args.js";
export { parseVolume, parseMount, type Volume, type MountRequest } from "./volumes.js";
export { checkImageSignature, type CheckedSignature } from "./signature.js";
export { cacheDir, cacheKey, openCache, type CacheDirs } from "./cache.js";
export { listImages, findImage, findImages, removeImage, collectGarbage, imageUsers, type StoredImage, type GcOptions, type GcResult } from "./store.js";
export { planIsolators, DEFAULT_CAPABILITIES, type IsolatorPlan } from "./isolators.js";
export { planRun, DEFAULT_PATH, type RunPlan } from "./plan.js";
export { runImage, type RunImageEnvironment } from "./run-image.js";
