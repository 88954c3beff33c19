/**
 * Same inputs, same bytes: `nix-build --check` rebuilds and compares, and an image deleted from the
 * store and built again has the same sha512. Salted store paths, the salt new on every run: no
 * other test file uses them, nor another run of this file at the same time (the README test's
 * nested suite runs it too, and a path in use by another nix-build cannot be deleted).
 */
import { execFileSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { nixEnv, nixBuild } from "../support/nix.js";
import { buildImages, type BuiltImage } from "./build-fixtures.js";

const names = ["busybox", "busyboxThin", "busyboxXz", "busyboxBzip2", "hello", "full"] as const;
type Name = (typeof names)[number];
const salt = `reproducible-${randomUUID()}`;

let images: Record<Name, BuiltImage>;
beforeAll(async () => {
  images = await buildImages(names, { salt });
});

const sha512 = (file: string): string => createHash("sha512").update(readFileSync(file)).digest("hex");

describe("reproducible images", () => {
  it("nix-build --check rebuilds every image to the same bytes, whatever the core count", async () => {
    for (const cores of ["1", "3"]) {
      const again = await buildImages(names, { salt, extraArgs: ["--check", "--cores", cores] });
      for (const name of names) expect(again[name].out).toBe(images[name].out);
    }
  });

  it("a deleted image builds again to the same sha512", async () => {
    const before = Object.fromEntries(names.map((n) => [n, sha512(images[n].aci)]));
    execFileSync("nix-store", ["--delete", ...names.map((n) => images[n].out)], { env: nixEnv, stdio: "pipe" });
    for (const name of names) expect(() => readFileSync(images[name].aci)).toThrow();
    const rebuilt = await buildImages(names, { salt });
    for (const name of names) {
      expect(rebuilt[name].out).toBe(images[name].out);
      expect(sha512(rebuilt[name].aci)).toBe(before[name]);
    }
  });

  it("nix-build --check also fails when a build is not reproducible (the check is real)", async () => {
    // A derivation writing the time with nanoseconds cannot pass --check.
    const expr = `(import ./nix/host-pkgs.nix {}).runCommand "nix2aci-unreproducible" {} "date +%s%N > $out"`;
    await nixBuild(["-E", expr]);
    await expect(nixBuild(["-E", expr, "--check"])).rejects.toThrow(/may not be deterministic|differ/);
  });
});
