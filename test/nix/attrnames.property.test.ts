/**
 * Any attribute name survives as a key: in a binding, in a static selection `s."name"`, in a
 * has-attribute test, in `inherit (s) "name"`, and as a dynamic `${n}` key (batched Nix checks).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  attrs,
  bind,
  call,
  type Expr,
  hasAttr,
  id,
  inheritFrom,
  lambda,
  letIn,
  list,
  nixKeywords,
  sel,
} from "../../lib/nix/index.js";
import { nixText } from "./arbitraries.js";
import { chooseSeed, evalBatch, samples } from "./harness.js";

const nameArb = fc.oneof(
  nixText,
  fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_'-]{0,8}$/),
  fc.constantFrom(...nixKeywords, "true", "null", "__proto__", "constructor", "1", "1a", "a.b", "a b", "", "-a", "'a"),
);

const byCodeUnits = (a: [string, unknown], b: [string, unknown]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** For a set `s` of name -> index: every way of reading the names back. */
function probe(names: string[]): Expr {
  const s = attrs(Object.fromEntries(names.map((name, i) => [name, i])));
  const pairs = call(id("map"), lambda("n", list(id("n"), sel(id("s"), id("n")))), call(sel(id("builtins"), "attrNames"), id("s")));
  const inherited = attrs(names.length === 0 ? [] : [inheritFrom(id("s"), ...names)]);
  return letIn(
    [bind("s", s)],
    list(
      pairs,
      list(...names.map((name) => sel(id("s"), name))),
      list(...names.map((name) => hasAttr(id("s"), name))),
      list(...names.map((name) => sel(inherited, name))),
    ),
  );
}

describe("attribute names survive quoting (checked by nix-instantiate)", () => {
  it("random names are keys, selectable, testable with ?, and inheritable", async () => {
    const seed = chooseSeed();
    const sets = samples(fc.uniqueArray(nameArb, { maxLength: 30 }), 200, seed);
    const results = (await evalBatch(sets.map(probe), seed)) as [[string, number][], number[], boolean[], number[]][];
    sets.forEach((names, k) => {
      const [pairs, selected, tested, inherited] = results[k] as (typeof results)[number];
      const context = `names ${JSON.stringify(names)} (seed ${seed})`;
      const expected = names.map((name, i): [string, number] => [name, i]).sort(byCodeUnits);
      expect([...pairs].sort(byCodeUnits), context).toEqual(expected);
      expect(selected, context).toEqual(names.map((_, i) => i));
      expect(tested, context).toEqual(names.map(() => true));
      expect(inherited, context).toEqual(names.map((_, i) => i));
    });
  });

  it("nested attribute paths `a.b.c = v;` with arbitrary names build nested sets", async () => {
    const seed = chooseSeed();
    const paths = samples(fc.array(nameArb, { minLength: 1, maxLength: 4 }), 500, seed);
    const exprs = paths.map((path) => sel(attrs([bind(path, 7)]), ...path));
    expect(await evalBatch(exprs, seed)).toEqual(paths.map(() => 7));
  });
});
