/**
 * Differential test: validateManifest against the reference, `actool validate` (appc 0.8.11), on
 * random manifests, valid and mutated in one field. Verdicts must agree, except for mutations that
 * hit a rule documented in lib/spec/README.md as deliberately stricter: there we must say invalid
 * while actool says valid (so the test also proves each documented difference is real). For URLs,
 * where we do not model Go's url.Parse, we may only be stricter: never valid where actool is not.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateManifest } from "../support/appc-manifest.js";
import { actoolValidate } from "./actool.js";
import { manifestCase, type Case } from "./manifest-arbitraries.js";

const RUNS = Number(process.env.SPEC_DIFF_RUNS ?? 2000);
const seed = process.env.CI ? 20240611 : Date.now() ^ (Math.random() * 0x7fffffff);

describe("validateManifest agrees with actool validate", () => {
  it(`on ${RUNS} random manifests (seed ${seed})`, async () => {
    const cases: Case[] = fc.sample(manifestCase, { numRuns: RUNS, seed });
    const verdicts = await actoolValidate(cases.map((c) => JSON.stringify(c.manifest)));
    const disagreements: string[] = [];
    let valid = 0;
    let stricter = 0;
    cases.forEach((c, i) => {
      const actool = verdicts[i];
      if (actool === undefined) throw new Error("missing verdict");
      const problems = validateManifest(c.manifest);
      const ours = problems.length === 0;
      if (ours) valid++;
      const expected = c.stricter ? false : actool.valid;
      if (c.stricter) stricter++;
      if (c.stricter && !actool.valid) {
        disagreements.push(`#${i} ${c.mutation}: marked "stricter" but actool rejects it too (${actool.message})`);
      } else if (c.mayBeStricter === true && !ours && actool.valid) {
        // documented as stricter (e.g. URLs): fine
      } else if (ours !== expected) {
        disagreements.push(
          `#${i} ${c.mutation}: actool ${actool.valid ? "valid" : `invalid (${actool.message})`}, ours ${
            ours ? "valid" : `invalid (${problems.map((p) => `${p.path.join(".")}: ${p.message}`).join("; ")})`
          }\n    ${JSON.stringify(c.manifest)}`,
        );
      }
    });
    if (disagreements.length > 0) console.error(`seed ${seed}:\n${disagreements.join("\n")}`);
    expect(disagreements, `seed ${seed}`).toEqual([]);
    // the sample must exercise both verdicts and the stricter rules
    expect(valid).toBeGreaterThan(RUNS / 5);
    expect(RUNS - valid).toBeGreaterThan(RUNS / 5);
    expect(stricter).toBeGreaterThan(10);
  }, 120_000);
});
