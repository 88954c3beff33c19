/**
 * The benchmark images of bench/fixtures/images.nix: their content built once, images built with
 * a fresh label per run (so each run really packs), and a built image extracted to a folder
 * (manifest + rootfs) for the floors and actool.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { aciIn, deleteStorePaths, freshLabel, nixBuild, nixBuildMeasured, repoRoot, type NixBuildRun } from "./nix.js";

export const imagesNix = path.join(repoRoot, "bench/fixtures/images.nix");

export type ImageKind = "fat" | "thin";

export interface ImageArgs {
  readonly mib: number;
  readonly compression?: "none" | "gzip" | "bzip2" | "xz";
}

function fixtureArgs({ mib, compression }: ImageArgs, label: string): string[] {
  return [imagesNix, "--arg", "mib", String(mib), "--argstr", "label", label, ...(compression === undefined ? [] : ["--argstr", "compression", compression])];
}

/** nix-build arguments selecting one image of images.nix with the given label. */
export function imageBuildArgs(kind: ImageKind | "content" | "fatBusybox", args: ImageArgs, label: string): string[] {
  return [...fixtureArgs(args, label), "-A", kind];
}

/** Builds the image's content (the generated closure) and returns its store path. */
export function buildContent(args: ImageArgs): string {
  const [out] = nixBuild(imageBuildArgs("content", args, "0"));
  if (out === undefined) throw new Error("nix-build gave no content path");
  return out;
}

export interface ImageBuild extends NixBuildRun {
  readonly out: string;
  readonly aci: string;
}

/** One timed `nix-build` of the image with a label no build used before. */
export function buildImage(kind: ImageKind, args: ImageArgs, extra: readonly string[] = [], label = freshLabel()): ImageBuild {
  const run = nixBuildMeasured([...imageBuildArgs(kind, args, label), ...extra]);
  const out = run.outs[0];
  if (out === undefined) throw new Error("nix-build gave no image path");
  return { ...run, out, aci: aciIn(out) };
}

export interface BuilderMeasurement {
  /** Peak RSS of the largest process of the builder, KiB. */
  readonly maxRssKiB: number;
  /** The builder's own wall time (inside the sandbox), without Nix's setup and registration. */
  readonly builderSeconds: number;
  /** The whole nix-build of the same (fresh) image. */
  readonly nixBuildSeconds: number;
}

/**
 * The image's builder measured inside Nix: images.nix's `<kind>Measured` runs the same build
 * under /usr/bin/time, which prints `bench-maxrss-kib=N bench-builder-seconds=S` into the log.
 */
export function measureBuilder(kind: ImageKind, args: ImageArgs): BuilderMeasurement {
  const run = nixBuildMeasured([...fixtureArgs(args, freshLabel()), "-A", `${kind}Measured`]);
  deleteStorePaths(run.outs);
  return { ...parseBuilderLine(run.stderr), nixBuildSeconds: run.seconds };
}

export function parseBuilderLine(log: string): { maxRssKiB: number; builderSeconds: number } {
  const m = /bench-maxrss-kib=(\d+) bench-builder-seconds=([\d.]+)/.exec(log);
  if (m === null) throw new Error(`no bench-maxrss-kib line in the build log:\n${log.slice(-2000)}`);
  return { maxRssKiB: Number(m[1]), builderSeconds: Number(m[2]) };
}

/**
 * The image extracted into `<dir>/tree` (manifest + rootfs), as actool build wants it; reused
 * while the image's bytes are the same (its size and name are recorded beside it).
 */
export function extractedImage(aci: string, dir: string): string {
  const tree = path.join(dir, "tree");
  const stamp = path.join(dir, "extracted-from");
  const key = `${path.basename(path.dirname(aci))} ${statSync(aci).size}`;
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === key) return tree;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const partial = path.join(dir, "tree.partial");
  mkdirSync(partial);
  execFileSync("tar", ["--extract", "--file", aci, "--directory", partial, "--same-permissions", "--numeric-owner"]);
  renameSync(partial, tree);
  writeFileSync(stamp, key);
  return tree;
}
