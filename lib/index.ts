/** nix2aci's public entry: everything a spec file or a build script imports. */
// lib/sign: verify images the way rkt does, and the keys trusted for it (nix/postprocess.sh signs).
export * from "./sign/index.js";
// lib/nix: the Nix expression builders and printer, as one namespace: `nix.id("x")`, `nix.print(e)`.
export * as nix from "./nix/index.js";
// lib/spec: the typed spec, its package DSL (`rawNix(expr)` embeds a `nix.…` expression) and validation.
export * from "./spec/index.js";
// lib/render: specs → Nix files, for build scripts (the nix2aci-gen CLI uses the same functions).
export { checkPackagePaths, renderACI, renderTree, writeTree } from "./render/index.js";
export type { FileOrigin, PackagePathOptions, PackagePathReport, RenderedTree, RenderTreeOptions, TreeSpec, WriteTreeReport } from "./render/index.js";
// lib/image, lib/run: read, unpack, trust and run built images (`nix2aci inspect|run|trust`).
export { readImage, extractImage, parseManifest, storePathMountPoints, ImageError } from "./image/index.js";
export type { ImageInfo, ImageManifest, Compression as ImageCompression } from "./image/index.js";
export { runImage, parseRunArgs, planRun, RunError, checkImageSignature, cacheDir } from "./run/index.js";
export type { RunOptions, RunPlan, RunImageEnvironment, Volume, MountRequest } from "./run/index.js";
