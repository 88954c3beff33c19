/** What lib/index.ts re-exports from lib/spec (everything but the name clash with lib/nix). */
export * from "./index.js";
export { nix as rawNix } from "./index.js";
