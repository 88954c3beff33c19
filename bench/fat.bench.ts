/**
 * Issue 9, items 1 and 2: a full `nix-build` of a fat image against the floor (`tar --sort=name |
 * gzip -n` and `| pigz -n` of the same files, no Nix) and against the reference packer
 * (`actool build`), for closures of about 10, 100 and 500 MiB; and the peak memory of each.
 * The content is built first; every timed nix-build gets a fresh label, so it evaluates, writes
 * the manifest, computes the closure and packs again (the content itself is not rebuilt).
 * Runs of the four commands are interleaved so that load from elsewhere hits them alike.
 */
import { rmSync, statSync } from "node:fs";
import path from "node:path";
import { buildContent, buildImage, extractedImage, imagesNix, measureBuilder, type BuilderMeasurement } from "./support/images.js";
import { sameBytes } from "./support/files.js";
import { fileCount, floor, writeTar } from "./support/floor.js";
import { measure, median, summarize, type Measured, type Summary } from "./support/measure.js";
import { bytes, mib, ratio, secs, spread, table, yesNo } from "./support/format.js";
import { deleteStorePaths, freshLabel, nixEnv, repoRoot, workDir } from "./support/nix.js";

interface BenchOptions {
  readonly smoke: boolean;
}

export interface FatSize {
  readonly mib: number;
  readonly files: number;
  /** Uncompressed tar stream. */
  readonly tarBytes: number;
  readonly aciBytes: number;
  readonly actoolBytes: number;
  readonly nixBuild: Summary;
  /** `nix-instantiate` of the image alone (part of nixBuild). */
  readonly evaluation: Summary;
  readonly floorGzip: Summary;
  readonly floorPigz: Summary;
  readonly actool: Summary;
  /** One extra build with the builder under /usr/bin/time: its peak RSS and own wall time. */
  readonly builder: BuilderMeasurement;
  /** Median over runs of (nix-build / pigz floor) of the same run: robust to load that drifts. */
  readonly pairedRatio: number;
  /** The pigz floor wrote exactly the image's bytes. */
  readonly floorPigzIdentical: boolean;
}

export interface FatResult {
  readonly runs: number;
  readonly sizes: readonly FatSize[];
}

const runsOf = (smoke: boolean): number => (smoke ? 1 : 5);
const sizesOf = (smoke: boolean): readonly number[] => (smoke ? [1] : [10, 100, 500]);

function measureSize(size: number, runs: number): FatSize {
  const work = workDir(`fat/${size}mib`);
  buildContent({ mib: size });
  // Warm-up build (not counted): fills the page cache and gives the folder for floor and actool.
  const first = buildImage("fat", { mib: size });
  const tree = extractedImage(first.aci, path.join(work, "extracted"));
  const tarBytes = writeTar(tree, path.join(work, "image.tar"));
  rmSync(path.join(work, "image.tar"));
  const files = fileCount(tree);
  const floorPigzIdentical = (() => {
    floor(tree, "pigz -n", path.join(work, "floor.pigz"));
    return sameBytes(first.aci, path.join(work, "floor.pigz"));
  })();
  deleteStorePaths([first.out]);

  const nixRuns: Measured[] = [];
  const evalRuns: Measured[] = [];
  const gzipRuns: Measured[] = [];
  const pigzRuns: Measured[] = [];
  const actoolRuns: Measured[] = [];
  let aciBytes = 0;
  for (let i = 0; i < runs; i++) {
    const label = freshLabel();
    evalRuns.push(measure(["nix-instantiate", imagesNix, "--arg", "mib", String(size), "--argstr", "label", label, "-A", "fat"], { env: nixEnv, cwd: repoRoot }));
    const built = buildImage("fat", { mib: size }, [], label);
    aciBytes = statSync(built.aci).size;
    nixRuns.push(built);
    deleteStorePaths([built.out]);
    gzipRuns.push(floor(tree, "gzip -n", path.join(work, "floor.gzip")));
    pigzRuns.push(floor(tree, "pigz -n", path.join(work, "floor.pigz")));
    actoolRuns.push(measure(["actool", "build", "--overwrite", tree, path.join(work, "actool.aci")]));
  }
  const actoolBytes = statSync(path.join(work, "actool.aci")).size;
  const builder = measureBuilder("fat", { mib: size });
  rmSync(work, { recursive: true, force: true });
  return {
    mib: size,
    files,
    tarBytes,
    aciBytes,
    actoolBytes,
    nixBuild: summarize(nixRuns),
    pairedRatio: median(nixRuns.map((run, i) => run.seconds / (pigzRuns[i] as Measured).seconds)),
    evaluation: summarize(evalRuns),
    floorGzip: summarize(gzipRuns),
    floorPigz: summarize(pigzRuns),
    actool: summarize(actoolRuns),
    builder,
    floorPigzIdentical,
  };
}

export async function measureFat({ smoke }: BenchOptions): Promise<FatResult> {
  const runs = runsOf(smoke);
  return { runs, sizes: sizesOf(smoke).map((size) => measureSize(size, runs)) };
}

/** Target of issue 9: a full nix-build within 15% of the floor with the same compressor. */
export const fatTarget = 1.15;

export function reportFat(result: FatResult): string {
  const timeRows = result.sizes.map((s) => [
    `${s.mib} MiB`,
    `${s.files} files, ${bytes(s.tarBytes)} tar → ${bytes(s.aciBytes)}`,
    spread(s.nixBuild),
    spread(s.evaluation),
    spread(s.floorPigz),
    spread(s.floorGzip),
    spread(s.actool),
    `**${ratio(s.nixBuild.medianSeconds / s.floorPigz.medianSeconds)}** (paired ${ratio(s.pairedRatio)})`,
    ratio(s.nixBuild.medianSeconds / s.floorGzip.medianSeconds),
    ratio(s.nixBuild.medianSeconds / s.actool.medianSeconds),
  ]);
  const memoryRows = result.sizes.map((s) => [
    `${s.mib} MiB`,
    mib(s.builder.maxRssKiB),
    mib(s.nixBuild.maxRssKiB),
    mib(s.floorPigz.maxRssKiB),
    mib(s.floorGzip.maxRssKiB),
    mib(s.actool.maxRssKiB),
  ]);
  const overheadRows = result.sizes.map((s) => [
    `${s.mib} MiB`,
    secs(s.builder.nixBuildSeconds),
    secs(s.builder.builderSeconds),
    secs(s.builder.nixBuildSeconds - s.builder.builderSeconds),
    secs(s.floorPigz.medianSeconds),
  ]);
  const sizeRows = result.sizes.map((s) => [
    `${s.mib} MiB`,
    bytes(s.aciBytes),
    bytes(s.actoolBytes),
    ratio(s.aciBytes / s.actoolBytes),
    yesNo(s.floorPigzIdentical),
  ]);
  const largest = result.sizes[result.sizes.length - 1];
  const verdict =
    largest === undefined
      ? ""
      : `Target: nix-build ≤ ${fatTarget}× the pigz floor. At ${largest.mib} MiB: ` +
        `${ratio(largest.nixBuild.medianSeconds / largest.floorPigz.medianSeconds)} (ratio of medians), ` +
        `${ratio(largest.pairedRatio)} (median of the runs' own ratios) → ` +
        `${Math.max(largest.pairedRatio, largest.nixBuild.medianSeconds / largest.floorPigz.medianSeconds) <= fatTarget ? "met" : largest.pairedRatio <= fatTarget || largest.nixBuild.medianSeconds / largest.floorPigz.medianSeconds <= fatTarget ? "met by one measure only" : "**not met**"}.`;
  return [
    "## Fat images: nix-build vs the floor and vs actool",
    "",
    `Content: \`bench/fixtures/closure.nix\` (5 store paths of generated files: 95% of files 64 B–64 KiB, some up to 2 MiB, a few up to 24 MiB; text, binary-like and incompressible content), built before timing. ` +
      `Median of ${result.runs} run(s) (min–max); the commands of one run are interleaved; *paired*: the median of each run's own nix-build / floor ratio. ` +
      "**nix-build**: `nix-build bench/fixtures/images.nix -A fat` with a new label each run: evaluation, the references file, closure-info and the image derivation (pigz, all cores). " +
      "**eval**: `nix-instantiate` of the same, included in nix-build. " +
      "**floor**: `tar --sort=name … manifest rootfs | pigz -n` (or `gzip -n`) on the extracted image, the same tar options as mkACI. " +
      "**actool**: `actool build --overwrite DIR OUT.aci` on that folder (Go, single-threaded gzip).",
    "",
    table(["closure", "content", "nix-build", "eval", "floor pigz -n", "floor gzip -n", "actool build", "nix-build / pigz floor", "/ gzip floor", "/ actool"], timeRows),
    "",
    verdict,
    "",
    "Peak memory (largest single process; GNU time %M). **builder**: the image derivation's builder inside Nix's sandbox (bench/fixtures/measured.nix runs it under /usr/bin/time); **nix-build**: the whole `nix-build`, the builders of all its derivations included (Nix waits for them, so GNU time sees them; checked with a builder that allocates 600 MB): here that is the evaluator.",
    "",
    table(["closure", "builder (in Nix)", "nix-build", "floor pigz", "floor gzip", "actool build"], memoryRows),
    "",
    "Where the time goes (one more build per size, the builder under /usr/bin/time): the image builder's own wall time, and the rest of the nix-build (evaluation, the references and closure-info derivations, sandbox set-up, hashing and registering the output).",
    "",
    table(["closure", "nix-build (this run)", "image builder", "the rest", "pigz floor (median)"], overheadRows),
    "",
    table(["closure", ".aci (mkACI)", ".aci (actool)", "size ratio", "pigz floor = image bytes"], sizeRows),
    "",
  ].join("\n");
}

export default async function fatBench(options: BenchOptions): Promise<string> {
  return reportFat(await measureFat(options));
}
