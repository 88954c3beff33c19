/**
 * The contract of issue 12, as a property: random specs (spec-arbitraries.ts) go through
 * validateSpec and, separately, are rendered and evaluated by Nix with the checks mkACI runs
 * (nix/lib). Disagreements, each reported with the rule:
 *   - Nix refuses a spec validateSpec accepted (the generator must refuse first);
 *   - validateSpec refuses by a rule both sides check (not one of GENERATOR_ONLY) and Nix accepts;
 *   - a spec validateSpec accepted does not render, or Nix fails on it with a raw error;
 *   - the manifest Nix computes differs from the one the spec describes (expected-manifest.ts):
 *     every string, number and record key must arrive exactly.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderSpecFile } from "../../lib/render/index.js";
import { GENERATOR_ONLY, refNode, validateSpec, type ACISpec, type Problem, type Ref } from "../../lib/spec/index.js";
import { canonical, expectedManifest } from "./expected-manifest.js";
import { nixVerdicts, type NixVerdict } from "./nix-verdicts.js";
import { specCase, sweepCases, type SpecCase } from "./spec-arbitraries.js";

const RUNS = Number(process.env.SPEC_DIFF_RUNS ?? 2000);
const seed = process.env.CI ? 20240612 : Date.now() ^ (Math.random() * 0x7fffffff);
const generatorOnly = new Set(GENERATOR_ONLY.flatMap((g) => g.rules));
/** Versions of host-pkgs' packages the cases use. */
const VERSIONS: Readonly<Record<string, string>> = { busybox: "1.35.0", hello: "1.0" };
const versionOf = (ref: unknown): string => {
  const path = refNode(ref as Ref) as { path?: readonly string[] };
  return VERSIONS[path.path?.join(".") ?? ""] ?? "unknown";
};

const describeProblems = (problems: readonly Pick<Problem, "path" | "rule">[]): string =>
  problems.map((p) => `${Array.isArray(p.path) ? p.path.join(".") : String(p.path)} [${p.rule}]`).join(", ");

function render(c: SpecCase): { text?: string; error?: string } {
  try {
    return { text: renderSpecFile(c.spec as unknown as ACISpec) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The disagreement of one case, or undefined. */
function judge(c: SpecCase, problems: readonly Problem[], rendered: { text?: string; error?: string }, nix: NixVerdict | undefined): string | undefined {
  const shared = problems.filter((p) => !generatorOnly.has(p.rule));
  if (rendered.error !== undefined) {
    return problems.length === 0 ? `validateSpec accepted a spec that does not render: ${rendered.error}` : undefined;
  }
  if (nix === undefined) return "no Nix verdict";
  if (nix.kind === "error") return `raw Nix error (validateSpec: ${problems.length === 0 ? "accepted" : describeProblems(problems)}): ${nix.message.split("\n").slice(0, 3).join(" | ")}`;
  if (nix.kind === "problems") {
    return problems.length === 0 ? `Nix refused what validateSpec accepted: ${nix.problems.map((p) => `${p.path} [${p.rule}] ${p.message}`).join("; ")}` : undefined;
  }
  if (shared.length > 0) return `validateSpec refused by rules mkACI checks too, but Nix accepted: ${describeProblems(shared)}`;
  if (problems.length > 0) return undefined;
  const expected = canonical(expectedManifest(c.spec, versionOf));
  const actual = canonical(nix.manifest);
  return expected === actual ? undefined : `the manifest differs from the spec's:\n      spec's: ${expected}\n      Nix's:  ${actual}`;
}

describe("validateSpec and mkACI's checks agree (differential)", () => {
  it(`on every place of the table with every sample value, and ${RUNS} random specs (seed ${seed})`, async () => {
    const sweep = sweepCases();
    const cases = [...sweep, ...fc.sample(specCase, { numRuns: RUNS, seed })];
    const problems = cases.map((c) => validateSpec(c.spec));
    const rendered = cases.map(render);
    const verdicts = await nixVerdicts(rendered.map((r) => r.text));

    const disagreements: string[] = [];
    const counts = { accepted: 0, bothRefused: 0, generatorOnly: 0 };
    cases.forEach((c, i) => {
      const p = problems[i] as Problem[];
      const nix = verdicts[i];
      const problem = judge(c, p, rendered[i] as { text?: string }, nix);
      if (problem !== undefined) {
        disagreements.push(`#${i} (fields ${c.fields.join(", ")}): ${problem}\n      ${JSON.stringify(c.spec)}`);
      } else if (p.length === 0) counts.accepted++;
      else if (nix?.kind === "problems") counts.bothRefused++;
      else counts.generatorOnly++;
    });
    if (disagreements.length > 0) console.error(`seed ${seed}: ${disagreements.length} disagreements\n${disagreements.slice(0, 30).join("\n")}`);
    expect(disagreements.slice(0, 10), `seed ${seed}`).toEqual([]);
    // The sample exercises every verdict.
    expect(cases.length - sweep.length).toBeGreaterThanOrEqual(RUNS);
    expect(counts.accepted, JSON.stringify(counts)).toBeGreaterThan(cases.length / 5);
    expect(counts.bothRefused, JSON.stringify(counts)).toBeGreaterThan(cases.length / 10);
    expect(counts.generatorOnly, JSON.stringify(counts)).toBeGreaterThan(cases.length / 50);
  }, 600_000);
});
