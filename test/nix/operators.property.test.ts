/**
 * Random trees of operators, functions, lets, ifs, selections and lists print to text that Nix
 * parses back to the same tree: evaluated by Nix, each gives the value computed here in TS.
 * Printed at width 100 and at width 12 (so every construct is also laid out broken).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assertIn,
  attrs,
  bool,
  call,
  type Expr,
  hasAttr,
  id,
  ifThenElse,
  int,
  lambda,
  letIn,
  list,
  neg,
  not,
  op,
  print,
  sel,
  selOr,
  withIn,
} from "../../lib/nix/index.js";
import { chooseSeed, evalBatch, samples } from "./harness.js";

interface IntTree {
  readonly expr: Expr;
  readonly value: bigint;
}
interface BoolTree {
  readonly expr: Expr;
  readonly value: boolean;
}

const limit = 2n ** 50n; // far from int64 overflow, exact in JSON

function intBinary(l: IntTree, o: "+" | "-" | "*" | "/", r: IntTree): IntTree {
  const value = o === "+" ? l.value + r.value : o === "-" ? l.value - r.value : o === "*" ? l.value * r.value : r.value === 0n ? 0n : l.value / r.value; // BigInt division truncates like Nix's
  if (o === "/" && r.value === 0n) return { expr: op(l.expr, "+", r.expr), value: l.value + r.value };
  if (value > limit || value < -limit) return { expr: op(l.expr, "-", r.expr), value: l.value - r.value };
  return { expr: op(l.expr, o, r.expr), value };
}

const trees = fc.letrec<{ int: IntTree; bool: BoolTree }>((tie) => {
  const i = tie("int") as fc.Arbitrary<IntTree>;
  const b = tie("bool") as fc.Arbitrary<BoolTree>;
  const intLeaf = fc.integer({ min: -30, max: 30 }).map((n): IntTree => ({ expr: int(n), value: BigInt(n) }));
  const boolLeaf = fc.boolean().map((v): BoolTree => ({ expr: bool(v), value: v }));
  return {
    int: fc.oneof(
      { depthSize: "small", maxDepth: 6 },
      intLeaf,
      fc.tuple(i, fc.constantFrom("+", "-", "*", "/" as const), i).map(([l, o, r]) => intBinary(l, o, r)),
      i.map((t): IntTree => ({ expr: neg(t.expr), value: -t.value })),
      fc.tuple(b, i, i).map(([c, t, e]): IntTree => ({ expr: ifThenElse(c.expr, t.expr, e.expr), value: c.value ? t.value : e.value })),
      // (x: x * 2) arg, and a curried two-argument call
      i.map((t): IntTree => ({ expr: call(lambda("x", op(id("x"), "*", int(2))), t.expr), value: t.value * 2n })),
      fc.tuple(i, i).map(([x, y]): IntTree => ({
        expr: call(lambda("x", lambda("y", op(id("x"), "-", id("y")))), x.expr, y.expr),
        value: x.value - y.value,
      })),
      fc.tuple(i, i).map(([v, w]): IntTree => ({ expr: letIn({ v: v.expr }, op(id("v"), "+", w.expr)), value: v.value + w.value })),
      i.map((t): IntTree => ({ expr: sel(attrs({ a: t.expr }), "a"), value: t.value })),
      i.map((t): IntTree => ({ expr: selOr(attrs({}), ["a"], t.expr), value: t.value })),
      fc.tuple(i, i).map(([x, y]): IntTree => ({ expr: sel(op(attrs({ a: x.expr }), "//", attrs({ a: y.expr })), "a"), value: y.value })),
      i.map((t): IntTree => ({ expr: withIn(attrs({ w: t.expr }), id("w")), value: t.value })),
      fc.tuple(b, i).map(([c, t]): IntTree => ({ expr: assertIn(c.value ? c.expr : not(c.expr), t.expr), value: t.value })),
      // list elements need parentheses for applications and negative numbers
      fc.tuple(i, i).map(([x, y]): IntTree => ({ expr: call(sel(id("builtins"), "elemAt"), list(x.expr, y.expr), int(1)), value: y.value })),
      fc.tuple(i, i).map(([x, y]): IntTree => ({
        expr: call(sel(id("builtins"), "length"), op(list(x.expr), "++", op(list(y.expr, x.expr), "++", list()))),
        value: 3n,
      })),
    ),
    bool: fc.oneof(
      { depthSize: "small", maxDepth: 6 },
      boolLeaf,
      b.map((t): BoolTree => ({ expr: not(t.expr), value: !t.value })),
      fc.tuple(b, fc.constantFrom("&&", "||", "->", "==", "!=" as const), b).map(([l, o, r]): BoolTree => ({
        expr: op(l.expr, o, r.expr),
        value: o === "&&" ? l.value && r.value : o === "||" ? l.value || r.value : o === "->" ? !l.value || r.value : o === "==" ? l.value === r.value : l.value !== r.value,
      })),
      fc.tuple(i, fc.constantFrom("<", "<=", ">", ">=", "==", "!=" as const), i).map(([l, o, r]): BoolTree => ({
        expr: op(l.expr, o, r.expr),
        value: o === "<" ? l.value < r.value : o === "<=" ? l.value <= r.value : o === ">" ? l.value > r.value : o === ">=" ? l.value >= r.value : o === "==" ? l.value === r.value : l.value !== r.value,
      })),
      fc.tuple(i, fc.boolean()).map(([t, present]): BoolTree => ({
        expr: hasAttr(op(attrs({ a: t.expr }), "//", attrs({})), present ? "a" : "b"),
        value: present,
      })),
      fc.tuple(b, b, b).map(([c, t, e]): BoolTree => ({ expr: ifThenElse(c.expr, t.expr, e.expr), value: c.value ? t.value : e.value })),
    ),
  };
});

describe("operator trees print with the right parentheses (checked by nix-instantiate)", () => {
  for (const width of [100, 12]) {
    it(`random int and bool trees evaluate to their TS value at width ${width}`, async () => {
      const seed = chooseSeed();
      const cases = samples(fc.oneof(trees.int, trees.bool), 2000, seed);
      const results = await evalBatch(cases.map((c) => c.expr), seed, { width });
      cases.forEach((c, k) => {
        const want = typeof c.value === "bigint" ? Number(c.value) : c.value;
        expect(results[k], `case #${k} (seed ${seed}):\n${print(c.expr, { width })}`).toBe(want);
      });
    });
  }
});
