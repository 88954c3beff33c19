/** nix2aci's public entry: everything a spec file or a build script imports. */
export {};
export * from "./sign/index.js";
export * as nix from "./nix/index.js";
