/**
 * Keeps the issue-9 benchmarks working: each runs at smoke size (tiny closures, one run) and its
 * results must hold the facts the benchmark reports. No timing assertions: times are measured by
 * `npm run bench`, not judged here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import compressionBench, { measureCompression, reportCompression } from "../../bench/compression.bench.js";
import { measureEval, reportEval } from "../../bench/eval.bench.js";
import { measureFat, reportFat } from "../../bench/fat.bench.js";
import { isImageDerivation, measureRebuild, reportRebuild } from "../../bench/rebuild.bench.js";
import { measureThin, reportThin } from "../../bench/thin.bench.js";
import { derivationsToBuild } from "../../bench/support/nix.js";
import { requireNix } from "../support/nix.js";
import { requireTool } from "../support/tools.js";

const smoke = { smoke: true } as const;
const timeout = 180_000;

beforeAll(() => {
  requireNix();
  requireTool("/usr/bin/time", "time");
  requireTool("actool", "appc-spec");
  requireTool("pigz", "pigz");
  requireTool("gzip", "gzip");
  requireTool("gcc", "gcc");
});

describe("bench support", () => {
  it("reads the derivations nix-build announces", () => {
    const stderr = [
      "these 2 derivations will be built:",
      "  /nix/store/0123456789abcdfghijklmnpqrsvwxyz-a-1.0-linux-amd64-references.drv",
      "  /nix/store/0123456789abcdfghijklmnpqrsvwxyz-a-1.0-linux-amd64.drv",
      "building '/nix/store/0123456789abcdfghijklmnpqrsvwxyz-a-1.0-linux-amd64.drv'...",
    ].join("\n");
    expect(derivationsToBuild(stderr)).toEqual(["a-1.0-linux-amd64-references", "a-1.0-linux-amd64"]);
    expect(derivationsToBuild("this derivation will be built:\n  /nix/store/0123456789abcdfghijklmnpqrsvwxyz-x.drv\n")).toEqual(["x"]);
    expect(derivationsToBuild("nothing\n")).toEqual([]);
    expect(() => derivationsToBuild("these 3 derivations will be built:\n  /nix/store/0123456789abcdfghijklmnpqrsvwxyz-x.drv\n")).toThrow(/announced 3/);
    expect(isImageDerivation("a-1.0-linux-amd64")).toBe(true);
    expect(isImageDerivation("a-1.0-linux-amd64-references")).toBe(false);
  });
});

describe("benchmarks at smoke size", () => {
  it("fat: the pigz floor writes the image's exact bytes; actool and the builder are measured", { timeout }, async () => {
    const result = await measureFat(smoke);
    expect(result.sizes).toHaveLength(1);
    const [size] = result.sizes;
    expect(size?.floorPigzIdentical).toBe(true);
    expect(size?.files).toBeGreaterThan(10);
    expect(size?.aciBytes).toBeLessThan(size?.tarBytes ?? 0);
    expect(size?.actoolBytes).toBeGreaterThan(0);
    expect(size?.builder.maxRssKiB).toBeGreaterThan(0);
    expect(size?.builder.builderSeconds).toBeLessThanOrEqual(size?.builder.nixBuildSeconds ?? 0);
    expect(reportFat(result)).toMatch(/^## Fat images/);
  });

  it("compression: pigz bytes do not depend on threads; images rebuild identically", { timeout }, async () => {
    const result = await measureCompression(smoke);
    expect(result.identicalAcrossThreads).toBe(true);
    expect(result.identicalToImage).toBe(true);
    expect(result.checks.length).toBe(4);
    expect(result.checks.every((c) => c.passed)).toBe(true);
    expect(reportCompression(result)).toContain("pigz -n -p 1");
    expect(typeof compressionBench).toBe("function");
  });

  it("thin: one mount per store path, content bytes not packed; the fork-free loop agrees", { timeout }, async () => {
    const result = await measureThin(smoke);
    expect(result.byPaths.map((r) => [r.paths, r.mountLines])).toEqual([[1, 1], [10, 10]]);
    expect(result.byPaths.every((r) => r.loopsAgree)).toBe(true);
    expect(result.byContent.map((r) => r.mountLines)).toEqual([5]);
    expect(result.byContent[0]?.aciBytes).toBeLessThan(4096);
    expect(reportThin(result)).toMatch(/^## Thin images/);
  });

  it("eval: nix-instantiate prints one derivation per image", { timeout }, async () => {
    const result = await measureEval(smoke);
    expect(result.instantiated).toBe(result.images);
    expect(reportEval(result)).toContain(`## Evaluation: ${result.images} images`);
  });

  it("rebuild: after one change only that image is built", { timeout }, async () => {
    const result = await measureRebuild(smoke);
    expect(result.initial.built[0]?.filter(isImageDerivation)).toHaveLength(result.specs);
    expect(result.unchanged.built.every((b) => b.length === 0)).toBe(true);
    for (const [i, built] of result.oneChanged.built.entries()) {
      expect(built.filter(isImageDerivation)).toHaveLength(1);
      expect(result.oneChanged.filesWritten[i]).toHaveLength(1);
    }
    expect(reportRebuild(result)).toContain("Only the changed image rebuilt: yes");
  });
});
