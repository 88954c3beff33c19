/**
 * Issue 9, item 7: rebuild after one change. A tree of specs (renderTree/writeTree) is built
 * whole; then one spec changes, the tree is regenerated and the whole default.nix built again:
 * only the changed image's derivations may run. Counts come from nix-build's own "these N
 * derivations will be built" list. Every bench run uses a fresh salt, so the first build is real.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { summarize, type Summary } from "./support/measure.js";
import { spread, table } from "./support/format.js";
import { deleteStorePaths, freshLabel, nixBuildMeasured, workDir, type NixBuildRun } from "./support/nix.js";
import { benchSpec, hostPkgsArg, writeSpecTree } from "./support/specs.js";

interface BenchOptions {
  readonly smoke: boolean;
}

export interface BuildStep {
  readonly what: string;
  readonly time: Summary;
  /** Per run: the derivations Nix built (names without hash). */
  readonly built: readonly (readonly string[])[];
  /** Per run: the spec files writeTree rewrote. */
  readonly filesWritten: readonly (readonly string[])[];
}

export interface RebuildResult {
  readonly specs: number;
  readonly runs: number;
  readonly initial: BuildStep;
  readonly unchanged: BuildStep;
  readonly oneChanged: BuildStep;
}

/** Image derivations are named NAME-VERSION-OS-ARCH; their helpers add -root, -references, … */
export const isImageDerivation = (name: string): boolean => /-linux-amd64$/.test(name);

export async function measureRebuild({ smoke }: BenchOptions): Promise<RebuildResult> {
  const count = smoke ? 3 : 100;
  const runs = smoke ? 1 : 5;
  const tree = path.join(workDir("rebuild"), "tree");
  rmSync(tree, { recursive: true, force: true });
  const salt = freshLabel();
  const specs = Array.from({ length: count }, (_, i) => benchSpec(i, salt));
  const outs = new Set<string>();
  const build = (): NixBuildRun => {
    const run = nixBuildMeasured([path.join(tree, "default.nix"), ...hostPkgsArg()]);
    run.outs.forEach((o) => outs.add(o));
    return run;
  };
  const step = (what: string, times: number, change: (run: number) => readonly string[]): BuildStep => {
    const results = Array.from({ length: times }, (_, i) => ({ files: change(i), run: build() }));
    return { what, time: summarize(results.map((r) => r.run)), built: results.map((r) => r.run.built), filesWritten: results.map((r) => r.files) };
  };
  const initial = step(`build all ${count} images (new)`, 1, () => writeSpecTree(tree, specs).written);
  const unchanged = step("nothing changed: regenerate, build all", runs, () => writeSpecTree(tree, specs).written);
  const oneChanged = step("one spec changed: regenerate, build all", runs, (run) => {
    const changed = (run * 37 + count - 1) % count; // a different spec each run
    specs[changed] = benchSpec(changed, salt, { CHANGED: freshLabel() });
    return writeSpecTree(tree, specs).written;
  });
  deleteStorePaths([...outs]);
  rmSync(tree, { recursive: true, force: true });
  return { specs: count, runs, initial, unchanged, oneChanged };
}

function summaryRow(step: BuildStep): string[] {
  const counts = step.built.map((b) => b.length);
  const images = step.built.map((b) => b.filter(isImageDerivation).length);
  const example = step.built.find((b) => b.length > 0) ?? [];
  const range = (xs: readonly number[]): string => (Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : `${Math.min(...xs)}–${Math.max(...xs)}`);
  return [
    step.what,
    spread(step.time),
    range(step.filesWritten.map((f) => f.length)),
    range(counts),
    range(images),
    example.length > 6 ? `${example.length} derivations` : example.map((n) => `\`${n}\``).join(", ") || "—",
  ];
}

export function reportRebuild(result: RebuildResult): string {
  const images = result.oneChanged.built.map((b) => b.filter(isImageDerivation).length);
  return [
    `## Rebuild after one change: ${result.specs} specs`,
    "",
    `A tree of ${result.specs} specs (renderTree/writeTree), built whole once with \`nix-build default.nix --arg pkgs 'import nix/host-pkgs.nix {}'\` (Nix's default max-jobs, 1). Then, ${result.runs} time(s): one spec's environment changes, the tree is regenerated and all of default.nix built again. "Derivations built" is nix-build's own list.`,
    "",
    table(["step", "nix-build", "files written", "derivations built", "images built", "derivations (one run)"], [
      summaryRow(result.initial),
      summaryRow(result.unchanged),
      summaryRow(result.oneChanged),
    ]),
    "",
    `Only the changed image rebuilt: ${images.every((n) => n === 1) ? "yes" : "**no**"} (images built per run: ${images.join(", ")}).`,
    "",
  ].join("\n");
}

export default async function rebuildBench(options: BenchOptions): Promise<string> {
  return reportRebuild(await measureRebuild(options));
}
