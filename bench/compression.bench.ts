/**
 * Issue 9, item 3: parallel compression. gzip images are written by `pigz -n`; here pigz with 1
 * and with all threads against `gzip -n` on the same tar stream (an image's, uncompressed), and
 * the two properties it must keep: the bytes do not depend on the thread count, and image builds
 * are reproducible (`nix-build --check` with --cores 1 and 2 rebuilds the same bytes; also for xz,
 * whose multi-threaded format mkACI pins with a fixed block size).
 */
import { rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildContent, buildImage, extractedImage, imageBuildArgs } from "./support/images.js";
import { sameBytes } from "./support/files.js";
import { writeTar } from "./support/floor.js";
import { measureShell, summarize, type Measured, type Summary } from "./support/measure.js";
import { bytes, mib, ratio, spread, table, yesNo } from "./support/format.js";
import { deleteStorePaths, freshLabel, nixBuildMeasured, workDir } from "./support/nix.js";

interface BenchOptions {
  readonly smoke: boolean;
}

export interface CompressorRun {
  readonly command: string;
  readonly time: Summary;
  readonly outBytes: number;
}

export interface ReproducibilityCheck {
  readonly what: string;
  readonly passed: boolean;
}

export interface CompressionResult {
  readonly mib: number;
  readonly runs: number;
  readonly tarBytes: number;
  readonly cpus: number;
  readonly compressors: readonly CompressorRun[];
  /** pigz -n with 1, 2 and 8 threads wrote the same bytes. */
  readonly identicalAcrossThreads: boolean;
  /** …and they are the bytes of the image nix-build wrote. */
  readonly identicalToImage: boolean;
  readonly checks: readonly ReproducibilityCheck[];
}

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** `nix-build --check` of a built image with the given core count: true when the bytes match. */
function checkRebuild(args: readonly string[], cores: number): boolean {
  try {
    const run = nixBuildMeasured([...args, "--check", "--cores", String(cores)]);
    // Nix says which derivation it rebuilt: the image's, or the check proved nothing.
    if (!/checking outputs of '\/nix\/store\/[0-9a-z]{32}-fat-/.test(run.stderr)) {
      throw new Error(`nix-build --check did not rebuild the image:\n${run.stderr}`);
    }
    return true;
  } catch (error) {
    process.stderr.write(`bench: nix-build --check --cores ${cores} failed: ${String(error).slice(0, 2000)}\n`);
    return false;
  }
}

/** Builds a fresh image with --cores 2, then rebuilds it with --check at 1 and 2 cores. */
function reproducibility(size: number, compression: "gzip" | "xz"): ReproducibilityCheck[] {
  const args = imageBuildArgs("fat", { mib: size, compression }, freshLabel());
  const built = nixBuildMeasured([...args, "--cores", "2"]);
  const checks = [1, 2].map((cores) => ({
    what: `${compression} image (${size} MiB closure) built with --cores 2, \`nix-build --check --cores ${cores}\``,
    passed: checkRebuild(args, cores),
  }));
  deleteStorePaths(built.outs);
  return checks;
}

export async function measureCompression({ smoke }: BenchOptions): Promise<CompressionResult> {
  const size = smoke ? 1 : 100;
  const runs = smoke ? 1 : 5;
  const work = workDir("compression");
  buildContent({ mib: size });
  const image = buildImage("fat", { mib: size });
  const tree = extractedImage(image.aci, path.join(work, "extracted"));
  const tar = path.join(work, "image.tar");
  const tarBytes = writeTar(tree, tar);
  const commands = ["gzip -n", "pigz -n -p 1", `pigz -n -p ${os.cpus().length}`];
  const times: Measured[][] = commands.map(() => []);
  const outputs = commands.map((_, i) => path.join(work, `out-${i}.gz`));
  for (let run = 0; run < runs; run++) {
    commands.forEach((command, i) => {
      (times[i] as Measured[]).push(measureShell(`${command} -c < ${quote(tar)} > ${quote(outputs[i] as string)}`));
    });
  }
  const eightThreads = path.join(work, "out-p8.gz");
  measureShell(`pigz -n -p 8 -c < ${quote(tar)} > ${quote(eightThreads)}`);
  const [, pigzOne, pigzAll] = outputs as [string, string, string];
  const identicalAcrossThreads = sameBytes(pigzOne, pigzAll) && sameBytes(pigzOne, eightThreads);
  const identicalToImage = sameBytes(pigzAll, image.aci);
  const compressors = commands.map((command, i) => ({
    command,
    time: summarize(times[i] as Measured[]),
    outBytes: statSync(outputs[i] as string).size,
  }));
  deleteStorePaths([image.out]);
  const checks = [...reproducibility(size, "gzip"), ...reproducibility(smoke ? 1 : 10, "xz")];
  rmSync(work, { recursive: true, force: true });
  return { mib: size, runs, tarBytes, cpus: os.cpus().length, compressors, identicalAcrossThreads, identicalToImage, checks };
}

export function reportCompression(result: CompressionResult): string {
  const gzip = result.compressors[0];
  const rows = result.compressors.map((c) => [
    `\`${c.command}\``,
    spread(c.time),
    `${((result.tarBytes / 2 ** 20) / c.time.medianSeconds).toFixed(0)} MiB/s`,
    bytes(c.outBytes),
    mib(c.time.maxRssKiB),
    gzip === undefined ? "" : ratio(gzip.time.medianSeconds / c.time.medianSeconds),
  ]);
  return [
    `## Parallel compression: pigz vs gzip (${result.cpus} CPUs)`,
    "",
    `The uncompressed tar stream of the ${result.mib} MiB fat image (${bytes(result.tarBytes)}), compressed from a file in the page cache. Median of ${result.runs} run(s) (min–max), interleaved.`,
    "",
    table(["compressor", "time", "throughput", "output", "peak RSS", "speed-up vs gzip"], rows),
    "",
    `- pigz -n output identical for 1, ${result.cpus} and 8 threads: ${yesNo(result.identicalAcrossThreads)}; identical to the .aci nix-build wrote: ${yesNo(result.identicalToImage)}.`,
    ...result.checks.map((c) => `- Reproducible: ${c.what}: ${yesNo(c.passed)}.`),
    "",
  ].join("\n");
}

export default async function compressionBench(options: BenchOptions): Promise<string> {
  return reportCompression(await measureCompression(options));
}
