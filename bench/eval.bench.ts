/**
 * Issue 9, item 6: evaluation. `nix-instantiate` of a generated default.nix with many images
 * (specs rendered by renderTree/writeTree, package set nix/host-pkgs.nix). Cold: every image is new
 * (a fresh salt label), so Nix also writes their .drv files; warm: the same tree again (the .drv
 * files exist). Also one attribute alone (`-A service-0`), what `nix-build -A` pays to start.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { measure, summarize, type Measured, type Summary } from "./support/measure.js";
import { mib, ms, spread, table } from "./support/format.js";
import { freshLabel, nixEnv, repoRoot, workDir } from "./support/nix.js";
import { benchSpec, hostPkgsArg, writeSpecTree } from "./support/specs.js";

interface BenchOptions {
  readonly smoke: boolean;
}

export interface EvalResult {
  readonly images: number;
  readonly runs: number;
  readonly cold: Summary;
  readonly warm: Summary;
  readonly oneAttribute: Summary;
  /** Derivations nix-instantiate printed (one per image). */
  readonly instantiated: number;
}

/** Target of issue 9: all images instantiated in under 2 s on this machine. */
export const evalTargetSeconds = 2;

function instantiate(tree: string, extra: readonly string[] = []): Measured {
  return measure(["nix-instantiate", path.join(tree, "default.nix"), ...hostPkgsArg(), ...extra], { env: nixEnv, cwd: repoRoot });
}

export async function measureEval({ smoke }: BenchOptions): Promise<EvalResult> {
  const images = smoke ? 20 : 1000;
  const runs = smoke ? 1 : 5;
  const tree = path.join(workDir("eval"), "tree");
  rmSync(tree, { recursive: true, force: true });
  const write = (salt: string): void => {
    writeSpecTree(tree, Array.from({ length: images }, (_, i) => benchSpec(i, salt)));
  };
  const cold: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    write(freshLabel());
    cold.push(instantiate(tree));
  }
  const warm = Array.from({ length: runs }, () => instantiate(tree));
  const oneAttribute = Array.from({ length: runs }, () => instantiate(tree, ["-A", "service-0"]));
  const instantiated = (warm[0]?.stdout ?? "").split("\n").filter((l) => l.endsWith(".drv")).length;
  rmSync(tree, { recursive: true, force: true });
  return { images, runs, cold: summarize(cold), warm: summarize(warm), oneAttribute: summarize(oneAttribute), instantiated };
}

export function reportEval(result: EvalResult): string {
  const row = (label: string, s: Summary, perImage: boolean): string[] => [
    label,
    spread(s),
    perImage ? ms(s.medianSeconds / result.images) : "",
    mib(s.maxRssKiB),
  ];
  const verdict = (s: Summary): string => (s.medianSeconds < evalTargetSeconds ? "met" : "**not met**");
  return [
    `## Evaluation: ${result.images} images`,
    "",
    `\`nix-instantiate default.nix --arg pkgs 'import nix/host-pkgs.nix {}'\` on a tree of ${result.images} specs rendered with \`renderTree\`/\`writeTree\` (services on busybox, a third also with hello, a quarter thin; ${result.instantiated} derivations printed). Each image is 4 derivations (merged root, references file, closure-info, image). Median of ${result.runs} run(s) (min–max); peak RSS of nix-instantiate.`,
    "",
    table(["what", "time", "per image", "peak RSS"], [
      row(`all ${result.images}, cold (new images: .drv files written)`, result.cold, true),
      row(`all ${result.images}, warm (.drv files exist)`, result.warm, true),
      row("one attribute (-A service-0)", result.oneAttribute, false),
    ]),
    "",
    `Target: under ${evalTargetSeconds} s for ${result.images} images${result.images < 1000 ? " (smoke size: not the target's 1,000)" : ""}: cold ${verdict(result.cold)}, warm ${verdict(result.warm)}.`,
    "",
  ].join("\n");
}

export default async function evalBench(options: BenchOptions): Promise<string> {
  return reportEval(await measureEval(options));
}
