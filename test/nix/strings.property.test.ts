/**
 * Any text must survive printing as a `"..."` and as an `''...''` string: Nix evaluates the
 * printed literal back to exactly the input. Batched: one nix-instantiate call per test.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { attrs, type Expr, indentedStr, list, printFile, str, type StringPart } from "../../lib/nix/index.js";
import { nixText } from "./arbitraries.js";
import { chooseSeed, evalBatch, samples } from "./harness.js";

/** Reports the shortest mismatching input (with the seed) instead of a wall of thousands. */
function expectAllEqual(actual: unknown[], expected: string[], seed: number, printed: (i: number) => string): void {
  const bad = expected
    .map((want, i) => ({ i, want, got: actual[i] }))
    .filter(({ want, got }) => want !== got)
    .sort((a, b) => a.want.length - b.want.length);
  const first = bad[0];
  if (first !== undefined) {
    expect.fail(
      `${bad.length} of ${expected.length} strings changed (seed ${seed}). Shortest: input ` +
        `${JSON.stringify(first.want)} evaluated to ${JSON.stringify(first.got)}; printed:\n${printed(first.i)}`,
    );
  }
}

describe("strings survive printing exactly (checked by nix-instantiate)", () => {
  it("quoted and indented forms of thousands of random texts evaluate to the input", async () => {
    const seed = chooseSeed();
    const texts = samples(nixText, 3000, seed);
    // Both forms side by side, and the indented form again deeper inside attribute sets so it is
    // printed at several indentations.
    const pair = (t: string): Expr => list(str(t), indentedStr(t), attrs({ deeper: attrs({ v: indentedStr(t) }) }));
    const result = (await evalBatch(texts.map(pair), seed)) as [string, string, { deeper: { v: string } }][];
    expect(result).toHaveLength(texts.length);
    const show = (i: number): string => printFile(pair(texts[i] as string));
    expectAllEqual(result.map((r) => r[0]), texts, seed, show);
    expectAllEqual(result.map((r) => r[1]), texts, seed, show);
    expectAllEqual(result.map((r) => r[2].deeper.v), texts, seed, show);
  });

  it("interpolations between arbitrary texts keep every character around them", async () => {
    const seed = chooseSeed();
    const partArb = fc.oneof(
      nixText.map((t): StringPart => t),
      nixText.map((t): StringPart => str(t)),
      nixText.map((t): StringPart => indentedStr(t)),
    );
    const cases = samples(fc.array(partArb, { maxLength: 6 }), 1500, seed);
    const expectedOf = (parts: StringPart[]): string =>
      parts.map((p) => (typeof p === "string" ? p : ((p as Expr & { kind: "string" }).parts[0] as string) ?? "")).join("");
    const pair = (parts: StringPart[]): Expr => list(str(parts), indentedStr(parts));
    const result = (await evalBatch(cases.map(pair), seed)) as [string, string][];
    const expected = cases.map(expectedOf);
    const show = (i: number): string => printFile(pair(cases[i] as StringPart[]));
    expectAllEqual(result.map((r) => r[0]), expected, seed, show);
    expectAllEqual(result.map((r) => r[1]), expected, seed, show);
  });
});
