/** What cannot be written exactly in Nix is refused with a NixPrintError that names the rule. */
import { describe, expect, it } from "vitest";
import {
  attrs,
  bind,
  type Expr,
  float,
  fromJS,
  id,
  indentedStr,
  inherit,
  int,
  lambda,
  letIn,
  type NixData,
  NixPrintError,
  path,
  pattern,
  print,
  sel,
  str,
} from "../../lib/nix/index.js";

function refusal(make: () => unknown): string {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(NixPrintError);
    return (error as Error).message;
  }
  throw new Error("expected a NixPrintError, but nothing was thrown");
}

describe("text Nix cannot hold", () => {
  it("refuses NUL in both string forms, attribute names and inherited names", () => {
    expect(refusal(() => str("a\0b"))).toMatch(/NUL.*index 1/);
    expect(refusal(() => indentedStr(["ok", id("x"), "\0"]))).toMatch(/NUL/);
    expect(refusal(() => print(attrs({ "a\0": 1 })))).toMatch(/NUL/);
    expect(refusal(() => inherit("\0"))).toMatch(/NUL/);
    expect(refusal(() => sel(id("x"), "\0"))).toMatch(/NUL/);
  });

  it("refuses lone surrogates but keeps astral characters", () => {
    expect(refusal(() => str("\uD800"))).toMatch(/lone UTF-16 surrogate U\+D800/);
    expect(refusal(() => str("x\uDC00"))).toMatch(/lone UTF-16 surrogate U\+DC00 .*index 1/);
    expect(refusal(() => str("\uDC00\uD800"))).toMatch(/surrogate/);
    expect(print(str("😀\u{10FFFF}"))).toBe('"😀\u{10FFFF}"');
  });

  it("also refuses them in hand-made nodes at print time", () => {
    const handMade = { kind: "string", parts: ["\0"], indented: false } as const satisfies Expr;
    expect(refusal(() => print(handMade))).toMatch(/NUL/);
  });
});

describe("identifiers", () => {
  it("refuses keywords and non-identifiers as variables, parameters and formals", () => {
    for (const bad of ["if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or"]) {
      expect(refusal(() => id(bad))).toMatch(/is a Nix keyword/);
    }
    for (const bad of ["", "1a", "a b", "a.b", "-a", "'a", "a/b", "é"]) {
      expect(refusal(() => id(bad))).toMatch(/is not a Nix identifier/);
    }
    expect(refusal(() => lambda("in", 1))).toMatch(/function parameter "in" is a Nix keyword/);
    expect(refusal(() => pattern(["ok", "with"]))).toMatch(/pattern argument "with"/);
    expect(refusal(() => pattern(["a"], { bind: "1" }))).toMatch(/@-name/);
    expect(refusal(() => print({ kind: "id", name: "let" }))).toMatch(/keyword/);
  });

  it("accepts every identifier shape Nix lexes", () => {
    for (const good of ["a", "_", "a-b", "a'", "A_9'-", "true", "null", "__curPos"]) expect(print(id(good))).toBe(good);
  });

  it("refuses duplicate formals and duplicate attributes", () => {
    expect(refusal(() => print(lambda(pattern(["a", "a"]), 1)))).toMatch(/"a" appears twice/);
    expect(refusal(() => print(lambda(pattern(["a"], { bind: "a" }), 1)))).toMatch(/also a pattern argument/);
    expect(refusal(() => print(attrs([bind("a", 1), bind(["a"], 2)])))).toMatch(/"a" is defined twice/);
    expect(refusal(() => print(attrs([inherit("a"), bind("a", 2)])))).toMatch(/defined twice/);
    expect(refusal(() => print(attrs([bind(["a", "b"], 1), bind(["a", "b"], 2)])))).toMatch(/"a.b" is defined twice/);
    expect(print(attrs([bind(["a", "b"], 1), bind(["a", "c"], 2)]))).toBe("{ a.b = 1; a.c = 2; }");
  });

  it("refuses dynamic names in let, which Nix does not allow", () => {
    expect(refusal(() => print(letIn([bind([id("x")], 1)], 2)))).toMatch(/let binding cannot have a dynamic/);
    expect(refusal(() => print(letIn([bind([str(["a", id("x")])], 1)], 2)))).toMatch(/dynamic/);
    expect(print(letIn([bind([str("a b")], 1)], 2))).toBe('let "a b" = 1; in 2');
  });
});

describe("numbers", () => {
  it("refuses NaN, infinities, negative zero and subnormal floats, saying why", () => {
    expect(refusal(() => float(NaN))).toMatch(/NaN; Nix has no NaN/);
    expect(refusal(() => float(Infinity))).toMatch(/Infinity; Nix has no infinite/);
    expect(refusal(() => float(-Infinity))).toMatch(/-Infinity/);
    expect(refusal(() => float(-0))).toMatch(/negative zero/);
    expect(refusal(() => float(5e-324))).toMatch(/subnormal/);
  });

  it("refuses integers outside int64 and non-integers given to int()", () => {
    expect(refusal(() => int(2n ** 63n))).toMatch(/outside Nix's integer range/);
    expect(refusal(() => int(-(2n ** 63n) - 1n))).toMatch(/outside/);
    expect(refusal(() => int(1e19))).toMatch(/outside.*use float\(\)/);
    expect(refusal(() => int(1.5))).toMatch(/needs an integer.*use float/);
    expect(print(int(2n ** 63n - 1n))).toBe("9223372036854775807");
  });
});

describe("fromJS refusals name the place in the data", () => {
  const cases: [string, () => unknown, RegExp][] = [
    ["NaN", () => fromJS({ a: [1, NaN] }), /^\$\.a\[1\]: .*NaN/],
    ["Infinity", () => fromJS({ port: Infinity }), /^\$\.port: .*infinite/],
    ["big integer", () => fromJS([2 ** 64]), /^\$\[0\]: .*outside/],
    ["big bigint", () => fromJS({ "a b": 2n ** 70n }), /^\$\["a b"\]: .*outside/],
    ["NUL", () => fromJS({ s: "x\0" }), /^\$\.s: .*NUL/],
    ["NUL key", () => fromJS({ "k\0": 1 }), /NUL/],
    ["hole", () => fromJS([1, undefined] as unknown as NixData), /^\$\[1\] is undefined/],
    ["function", () => fromJS({ f: (() => 1) as unknown as NixData }), /^\$\.f is a function/],
    ["symbol", () => fromJS([Symbol("s") as unknown as NixData]), /symbol/],
    ["class instance", () => fromJS({ d: new Date(0) as unknown as NixData }), /^\$\.d is an object of class Date/],
    ["map", () => fromJS(new Map() as unknown as NixData), /class Map/],
  ];
  for (const [name, make, message] of cases) {
    it(`refuses ${name}`, () => expect(refusal(make)).toMatch(message));
  }

  it("refuses cycles", () => {
    const loop: { self?: unknown } = {};
    loop.self = [loop];
    expect(refusal(() => fromJS(loop as NixData))).toMatch(/^\$\.self\[0\] refers back to itself/);
  });
});

describe("paths", () => {
  it("accepts path literals and refuses what would not lex as one", () => {
    for (const good of ["./a", "../a/b.nix", "/abs", "a/b", "~/x", "<nixpkgs>", "<nixpkgs/lib>", "./a+b-c_d.e"]) {
      expect(print(path(good))).toBe(good);
    }
    for (const bad of ["a", "./a/", "./a b", "./${x}", "", "~", "<>", "./a//b"]) {
      expect(refusal(() => path(bad))).toMatch(/is not a Nix path literal/);
    }
  });
});
