/**
 * Same inputs, same bytes, for both derivations of an OCI image (layers and image): `nix-build
 * --check` rebuilds and compares, and an image deleted from the store (layers included) builds
 * again to the same archive and digests. Salted store paths, the salt new on every run: no other
 * test file uses them, nor another run of this file at the same time (the README test's nested
 * suite runs it too, and a path in use by another nix-build cannot be deleted).
 */
import { execFileSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { nixBuild, nixEnv } from "../support/nix.js";
import { buildOci, fixtureFile, readLayout, type BuiltOci } from "./support.js";

// Several store paths in one layer (maxLayers), and every argument (one path per layer).
const names = ["helloAndBusyboxInThree", "full"] as const;
type Name = (typeof names)[number];
const salt = `oci-reproducible-${randomUUID()}`;

let images: Record<Name, BuiltOci>;
let layers: string[];
const layerArgs = (extra: readonly string[] = []): string[] =>
  [fixtureFile, "--argstr", "salt", salt, ...names.flatMap((n) => ["-A", `${n}.layers`]), ...extra];

beforeAll(async () => {
  images = await buildOci(names, { salt });
  layers = await nixBuild(layerArgs());
});

const sha256 = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("reproducible OCI images", () => {
  it("nix-build --check rebuilds layers and images to the same bytes, whatever the core count", async () => {
    for (const cores of ["1", "3"]) {
      expect(await nixBuild(layerArgs(["--check", "--cores", cores]))).toEqual(layers);
      const again = await buildOci(names, { salt, extraArgs: ["--check", "--cores", cores] });
      for (const name of names) expect(again[name].out).toBe(images[name].out);
    }
  });

  it("a deleted image and its layers build again to the same archive and manifest digest", async () => {
    const before = Object.fromEntries(names.map((n) => [n, [sha256(images[n].archive), readLayout(images[n].layout).manifestDescriptor.digest]]));
    execFileSync("nix-store", ["--delete", ...names.map((n) => images[n].out), ...layers], { env: nixEnv, stdio: "pipe" });
    for (const name of names) expect(() => readFileSync(images[name].archive)).toThrow();
    const rebuilt = await buildOci(names, { salt });
    for (const name of names) {
      expect(rebuilt[name].out).toBe(images[name].out);
      expect([sha256(rebuilt[name].archive), readLayout(rebuilt[name].layout).manifestDescriptor.digest]).toEqual(before[name]);
    }
  });
});
