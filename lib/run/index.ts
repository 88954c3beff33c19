/** Running images with bubblewrap, rkt-style (lib/run). */
export { RunError } from "./errors.js";
export { parseRunArgs, runCommandSpec, toRunOptions, type RunOptions, type NetworkMode } from "./args.js";
export { parseVolume, parseMount, type Volume, type MountRequest } from "./volumes.js";
export { checkImageSignature } from "./signature.js";
export { cacheDir, cacheKey, ensureUnpacked, type UnpackedImage } from "./cache.js";
export { planIsolators, DEFAULT_CAPABILITIES, type IsolatorPlan } from "./isolators.js";
export { planRun, DEFAULT_PATH, type RunPlan } from "./plan.js";
export { runImage, type RunImageEnvironment } from "./run-image.js";
