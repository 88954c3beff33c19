/**
 * Issue 9, item 4: thin images (the closure is mounted, not packed). Build time and .aci size as
 * the closure grows from 1 to 1000 store paths (bench/fixtures/thin-paths.nix, tiny packages built
 * first), and as its content grows from 10 to 500 MiB (bench/fixtures/images.nix): the size should
 * be flat in content bytes and grow only with the number of paths (one empty folder, one
 * mountPoint each). Also the per-path loop of build-aci.sh, outside Nix, in its earlier form with
 * forks and in today's form without (what made the time grow with the paths, and the fix).
 */
import { statSync } from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { buildContent, buildImage, parseBuilderLine } from "./support/images.js";
import { summarize, type Measured, type Summary } from "./support/measure.js";
import { bytes, mib, ms, ratio, spread, table, yesNo } from "./support/format.js";
import { aciIn, deleteStorePaths, freshLabel, nixBuild, nixBuildMeasured, nixEnv, repoRoot, workDir } from "./support/nix.js";
import { runThinLoop } from "./support/thin-loop.js";

interface BenchOptions {
  readonly smoke: boolean;
}

const thinPathsNix = path.join(repoRoot, "bench/fixtures/thin-paths.nix");

export interface ThinByPaths {
  readonly paths: number;
  readonly build: Summary;
  readonly aciBytes: number;
  readonly mountLines: number;
  readonly builderRssKiB: number;
  readonly loopAsWritten: Summary;
  readonly loopWithoutForks: Summary;
  /** Both loop versions wrote the same files. */
  readonly loopsAgree: boolean;
}

export interface ThinByContent {
  readonly mib: number;
  readonly build: Summary;
  readonly aciBytes: number;
  readonly mountLines: number;
}

export interface ThinResult {
  readonly runs: number;
  readonly byPaths: readonly ThinByPaths[];
  readonly byContent: readonly ThinByContent[];
}

function lineCount(file: string): number {
  return Number(execFileSync("wc", ["-l", file], { encoding: "utf8" }).trim().split(/\s+/)[0]);
}

function mountsIn(out: string): string {
  return aciIn(out).replace(/\.aci$/, ".mounts");
}

function byPaths(paths: number, runs: number): ThinByPaths {
  const args = (label: string): string[] => [thinPathsNix, "--arg", "paths", String(paths), "--argstr", "label", label];
  const [content] = nixBuild([...args("0"), "-A", "content", "--max-jobs", "4"]);
  if (content === undefined) throw new Error("no content path");
  const builds: Measured[] = [];
  let aciBytes = 0;
  let mountLines = 0;
  for (let i = 0; i < runs; i++) {
    const run = nixBuildMeasured([...args(freshLabel()), "-A", "thin"]);
    const out = run.outs[0] as string;
    aciBytes = statSync(aciIn(out)).size;
    mountLines = lineCount(mountsIn(out));
    builds.push(run);
    deleteStorePaths([out]);
  }
  const measured = nixBuildMeasured([...args(freshLabel()), "-A", "thinMeasured"]);
  deleteStorePaths(measured.outs);
  const builder = parseBuilderLine(measured.stderr);
  // The loop's input: the closure as build-aci.sh sees it (sorted store paths).
  const storePaths = execFileSync("nix-store", ["--query", "--requisites", content], { encoding: "utf8", env: nixEnv })
    .split("\n")
    .filter((l) => l.length > 0)
    .sort();
  const work = workDir(`thin/loop-${paths}`);
  const asWritten: Measured[] = [];
  const withoutForks: Measured[] = [];
  let loopsAgree = true;
  for (let i = 0; i < runs; i++) {
    const a = runThinLoop("with forks", storePaths, work);
    const b = runThinLoop("without forks", storePaths, work);
    loopsAgree &&= a.mounts === b.mounts && a.jsonl === b.jsonl && a.mounts.split("\n").length === storePaths.length + 1;
    asWritten.push(a.run);
    withoutForks.push(b.run);
  }
  return {
    paths,
    build: summarize(builds),
    aciBytes,
    mountLines,
    builderRssKiB: builder.maxRssKiB,
    loopAsWritten: summarize(asWritten),
    loopWithoutForks: summarize(withoutForks),
    loopsAgree,
  };
}

function byContent(size: number, runs: number): ThinByContent {
  buildContent({ mib: size });
  const builds = Array.from({ length: runs }, () => {
    const run = buildImage("thin", { mib: size });
    const sizes = { aciBytes: statSync(run.aci).size, mountLines: lineCount(mountsIn(run.out)) };
    deleteStorePaths([run.out]);
    return { run, ...sizes };
  });
  const last = builds[builds.length - 1];
  return { mib: size, build: summarize(builds.map((b) => b.run)), aciBytes: last?.aciBytes ?? 0, mountLines: last?.mountLines ?? 0 };
}

export async function measureThin({ smoke }: BenchOptions): Promise<ThinResult> {
  const runs = smoke ? 1 : 5;
  return {
    runs,
    byPaths: (smoke ? [1, 10] : [1, 10, 100, 1000]).map((n) => byPaths(n, runs)),
    byContent: (smoke ? [1] : [10, 100, 500]).map((n) => byContent(n, runs)),
  };
}

export function reportThin(result: ThinResult): string {
  const first = result.byPaths[0];
  const pathRows = result.byPaths.map((r) => [
    String(r.paths),
    spread(r.build),
    first === undefined ? "" : ratio(r.build.medianSeconds / first.build.medianSeconds),
    bytes(r.aciBytes),
    String(r.mountLines),
    mib(r.builderRssKiB),
    ms(r.loopAsWritten.medianSeconds),
    ms(r.loopWithoutForks.medianSeconds),
    yesNo(r.loopsAgree),
  ]);
  const contentRows = result.byContent.map((r) => [`${r.mib} MiB`, spread(r.build), bytes(r.aciBytes), String(r.mountLines)]);
  return [
    "## Thin images: closure size",
    "",
    `\`nix-build … -A thin\` with a new label each run (evaluation, references file, closure-info, image), content built first. Median of ${result.runs} run(s) (min–max). Builder RSS: largest process of the image's builder inside Nix (GNU time %M).`,
    "",
    "By number of store paths (bench/fixtures/thin-paths.nix: a package referring to N − 1 one-file packages). The last columns time build-aci.sh's per-path mount-point loop alone, outside Nix: the earlier form with forks (a `mkdir` and a `$(printf | tr)` per path: three processes) and without a process per path (one `mkdir` for all, the name by parameter expansion: what build-aci.sh does now); both write the same `.mounts` and mountPoints.",
    "",
    table(["store paths", "nix-build", "vs 1 path", ".aci", ".mounts lines", "builder RSS", "loop with forks", "loop without forks", "same output"], pathRows),
    "",
    "By content size (the fat benchmark's closures, 5 store paths each): the image holds no content, so size and time should not grow.",
    "",
    table(["closure", "nix-build", ".aci", ".mounts lines"], contentRows),
    "",
  ].join("\n");
}

export default async function thinBench(options: BenchOptions): Promise<string> {
  return reportThin(await measureThin(options));
}
