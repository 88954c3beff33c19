/**
 * fromJS: random JSON-like data (with bigints, extreme ints, floats of every magnitude, any text)
 * printed and evaluated by Nix denotes the same value, type- and bit-exactly.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromJS, type NixData } from "../../lib/nix/index.js";
import { nixText } from "./arbitraries.js";
import { type Description, describeJS, normalise, nixDescribe } from "./describe.js";
import { chooseSeed, evalBatch, samples } from "./harness.js";

const minNormal = 2.2250738585072014e-308;

/** Floats Nix can write: finite, not -0, not subnormal; biased to awkward magnitudes. */
const floatArb = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0.1, 0.5, 1.5, -2.5, 1e21, 1.5e300, 1e-7, 123.456, 1.7976931348623157e308, minNormal, 0.30000000000000004),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
).filter((x) => !Number.isInteger(x) && !Object.is(x, -0) && (x === 0 || Math.abs(x) >= minNormal));

const intArb = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.constantFrom(0, -1, 2n ** 63n - 1n, -(2n ** 63n), -(2n ** 63n) + 1n, 1e18, -1e18),
);

const dataArb: fc.Arbitrary<NixData> = fc.letrec<{ value: NixData }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    fc.constant(null),
    fc.boolean(),
    intArb,
    floatArb,
    nixText,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(nixText, tie("value"), { maxKeys: 5 }),
  ),
})).value;

describe("fromJS values survive printing (checked by nix-instantiate)", () => {
  it("random JSON-like data denotes the same Nix value, exactly", async () => {
    const seed = chooseSeed();
    const values = samples(dataArb, 1500, seed);
    const wrap = (listSource: string): string => `map (${nixDescribe}) (${listSource})`;
    const results = (await evalBatch(values.map((v) => fromJS(v)), seed, { wrap })) as Description[];
    values.forEach((value, i) => {
      expect(normalise(results[i] as Description), `value #${i} (seed ${seed})`).toEqual(normalise(describeJS(value)));
    });
  });
});
