/** Unit tests of the printer: quoting, parentheses, numbers, strings and layout. */
import { describe, expect, it } from "vitest";
import {
  attrs,
  bind,
  bool,
  call,
  type Expr,
  concatLists,
  float,
  fromJS,
  hasAttr,
  id,
  ifThenElse,
  indentedStr,
  int,
  isExpr,
  lambda,
  letIn,
  list,
  neg,
  not,
  nul,
  op,
  pattern,
  path,
  print,
  printFile,
  recAttrs,
  sel,
  selOr,
  str,
  update,
  withIn,
  assertIn,
} from "../../lib/nix/index.js";
import { parseNix } from "./harness.js";

const [a, b, c, f, g, x] = ["a", "b", "c", "f", "g", "x"].map((name) => id(name)) as [
  ReturnType<typeof id>, ReturnType<typeof id>, ReturnType<typeof id>, ReturnType<typeof id>, ReturnType<typeof id>, ReturnType<typeof id>,
];

describe("attribute names are quoted only when they must be", () => {
  it("quotes keywords and names that do not lex as one identifier", () => {
    const names = ["if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or", "1a", "a.b", "a b", "", "-a", "'a", "a/b", "é", "${x}"];
    for (const name of names) {
      expect(print(attrs({ [name]: 1 }))).toBe(`{ ${JSON.stringify(name).replace("${", "\\${")} = 1; }`);
    }
  });

  it("leaves identifiers bare, including builtin names", () => {
    expect(print(attrs({ a: 1, "a-b'": 2, _x: 3, true: 4, null: 5 }))).toBe("{ a = 1; a-b' = 2; _x = 3; true = 4; null = 5; }");
  });

  it("quotes in selections, has-attr tests and nested binding paths the same way", () => {
    expect(print(sel(x, "or", "b c", "ok"))).toBe('x."or"."b c".ok');
    expect(print(hasAttr(x, "in"))).toBe('x ? "in"');
    expect(print(attrs([bind(["a", "if", "c"], 1)]))).toBe('{ a."if".c = 1; }');
    expect(print(attrs([bind(["a", x], 1), bind([str(["p", x])], 2)]))).toBe('{ a.${x} = 1; "p${x}" = 2; }');
  });
});

describe("parentheses follow Nix's precedence table and nothing more", () => {
  const cases: [string, Expr, string][] = [
    ["left-assoc minus", op(op(a, "-", b), "-", c), "a - b - c"],
    ["right operand of minus", op(a, "-", op(b, "-", c)), "a - (b - c)"],
    ["+ and - share a level", op(a, "-", op(b, "+", c)), "a - (b + c)"],
    ["* binds tighter than +", op(op(a, "*", b), "+", op(b, "/", c)), "a * b + b / c"],
    ["+ under *", op(op(a, "+", b), "*", c), "(a + b) * c"],
    ["++ is right-assoc", concatLists(a, b, c), "a ++ b ++ c"],
    ["left-nested ++", op(op(a, "++", b), "++", c), "(a ++ b) ++ c"],
    ["// is right-assoc", update(a, b, c), "a // b // c"],
    ["-> is right-assoc", op(op(a, "->", b), "->", c), "(a -> b) -> c"],
    ["== is non-assoc", op(op(a, "==", b), "==", c), "(a == b) == c"],
    ["< is non-assoc", op(a, "<", op(b, "<", c)), "a < (b < c)"],
    ["< under ==", op(op(a, "<", b), "==", c), "a < b == c"],
    ["&& under ||", op(op(a, "&&", b), "||", c), "a && b || c"],
    ["|| under &&", op(a, "&&", op(b, "||", c)), "a && (b || c)"],
    ["! is below + in Nix", not(op(a, "+", b)), "!a + b"],
    ["! as left operand of +", op(not(a), "+", b), "(!a) + b"],
    ["! above ==", op(not(a), "==", b), "!a == b"],
    ["! above //", op(not(a), "//", b), "!a // b"],
    ["double !", not(not(a)), "!!a"],
    ["negation of has-attr", neg(hasAttr(a, "b")), "-(a ? b)"],
    ["has-attr of negation", hasAttr(neg(a), "b"), "-a ? b"],
    ["has-attr of //", hasAttr(update(a, b), "c"), "(a // b) ? c"],
    ["application under negation", neg(call(f, a)), "-f a"],
    ["double negation", neg(neg(a)), "-(-a)"],
    ["negative literal negated", neg(int(-1)), "-(-1)"],
    ["negated path", neg(path("./p")), "-(./p)"],
    ["negated call of a path", neg(call(path("./p"), a)), "-(./p a)"],
    ["binary minus of negative", op(a, "-", int(-1)), "a - -1"],
    ["nested calls flatten", call(call(f, a), b), "f a b"],
    ["call as argument", call(f, call(g, a)), "f (g a)"],
    ["lambda as function", call(lambda("x", x), int(1)), "(x: x) 1"],
    ["lambda as argument", call(f, lambda("x", x)), "f (x: x)"],
    ["negative argument", call(f, int(-1)), "f (-1)"],
    ["selection as argument", call(f, sel(a, "b")), "f a.b"],
    ["select-or as argument", call(f, selOr(a, ["b"], c)), "f a.b or c"],
    ["call as or-default", selOr(a, ["b"], call(f, c)), "a.b or (f c)"],
    ["selection of a call", sel(call(f, a), "b"), "(f a).b"],
    ["selections flatten", sel(sel(a, "b"), "c"), "a.b.c"],
    ["(a.b).c or d keeps its parentheses", selOr(sel(a, "b"), ["c"], x), "(a.b).c or x"],
    ["selection of select-or", sel(selOr(a, ["b"], c), "d"), "(a.b or c).d"],
    ["selection of a number", sel(int(1), "b"), "(1).b"],
    ["selection of a negative number", sel(int(-1), "b"), "(-1).b"],
    ["selection of a float", sel(float(1.5), "b"), "(1.5).b"],
    ["selection of a path", sel(path("./a"), "b"), "(./a).b"],
    ["list elements", list(call(f, a), int(-1), neg(a), sel(a, "b"), selOr(a, ["b"], c), not(a), lambda("x", x), int(2)), "[ (f a) (-1) (-a) a.b a.b or c (!a) (x: x) 2 ]"],
    ["if as operand", op(ifThenElse(a, int(1), int(2)), "+", int(1)), "(if a then 1 else 2) + 1"],
    ["with as operand", op(withIn(a, b), "//", c), "(with a; b) // c"],
    ["let as argument", call(f, letIn({ y: 1 }, id("y"))), "f (let y = 1; in y)"],
    ["assert as left operand", op(assertIn(a, b), "||", c), "(assert a; b) || c"],
  ];
  for (const [name, tree, text] of cases) it(name, () => expect(print(tree)).toBe(text));

  it("bodies and branches need no parentheses", () => {
    expect(print(lambda("x", op(x, "+", int(1))))).toBe("x: x + 1");
    expect(print(lambda("x", lambda("y", x)))).toBe("x: y: x");
    expect(print(ifThenElse(op(a, "==", b), lambda("x", x), withIn(a, b)))).toBe("if a == b then x: x else with a; b");
    expect(print(ifThenElse(a, int(1), ifThenElse(b, int(2), int(3))))).toBe("if a then 1 else if b then 2 else 3");
    expect(print(letIn({ y: ifThenElse(a, b, c) }, assertIn(a, b)))).toBe("let y = if a then b else c; in assert a; b");
  });
});

describe("numbers", () => {
  it("writes floats with a dot and JS's shortest exact digits", () => {
    expect([1, 0.1, 1e21, 1.5e-7, 1.7976931348623157e308, 123.456, 0].map((v) => print(float(v)))).toEqual([
      "1.0", "0.1", "1.0e21", "1.5e-7", "1.7976931348623157e308", "123.456", "0.0",
    ]);
    expect(print(float(-2.5))).toBe("-2.5");
    expect(print(list(float(-2.5)))).toBe("[ (-2.5) ]");
  });

  it("writes the smallest int64 as an expression, since its magnitude does not lex", () => {
    expect(print(int(-(2n ** 63n)))).toBe("-9223372036854775807 - 1");
    expect(print(list(int(-(2n ** 63n))))).toBe("[ (-9223372036854775807 - 1) ]");
    expect(print(op(int(1), "*", int(-(2n ** 63n))))).toBe("1 * (-9223372036854775807 - 1)");
  });

  it("fromJS tells integers from floats and keeps bigints exact", () => {
    expect(print(fromJS([1, 1.0, 1.25, -3, 2n ** 62n, -0]))).toBe("[ 1 1 1.25 (-3) 4611686018427387904 0 ]");
  });
});

describe("strings", () => {
  it("escapes the double-quoted form", () => {
    expect(print(str('"\\\n\r\t${$${$'))).toBe('"\\"\\\\\\n\\r\\t\\${$\\${$"');
    expect(print(str(["a$", x, "$"]))).toBe('"a\\$${x}$"');
  });

  it("escapes the indented form", () => {
    expect(print(indentedStr("''${\\\r'"))).toBe("'''''''${\\''\\r''\\'''");
    expect(print(indentedStr(" lead"))).toBe("''''\\ lead''");
    expect(print(indentedStr(["$", x]))).toBe("''''$${x}''");
  });

  it("lays out multi-line indented strings one level deeper, closing on its own line", () => {
    expect(print(attrs({ s: indentedStr("one\n  two\n\n") }))).toBe("{\n  s = ''\n    one\n      two\n\n  '';\n}");
    expect(print(indentedStr("one\ntwo"))).toBe("''\n  one\n  two''");
    // No line with content starts at its own column 0: leading spaces are escaped, else Nix
    // would strip them as common indentation.
    expect(print(indentedStr("  a\n  b"))).toBe("''\n  ''\\  a\n  ''\\  b''");
    // A last line of only spaces would be dropped by Nix: escaped.
    expect(print(indentedStr("a\n  "))).toBe("''\n  a\n  ''\\  ''");
    expect(print(indentedStr("\n  \n"))).toBe("''\n\n  ''\\  \n''");
  });

  it("supports template literals and interpolation parts", () => {
    const pkgs = id("pkgs");
    expect(print(str`${sel(pkgs, "busybox")}/bin/${"sh"}`)).toBe('"${pkgs.busybox}/bin/sh"');
    expect(print(indentedStr(["exec ", sel(pkgs, "x"), " \"$@\""]))).toBe("''exec ${pkgs.x} \"$@\"''");
  });

  it("fromJS writes text with newlines as an indented string unless told otherwise", () => {
    expect(print(fromJS("a\nb"))).toBe("''\n  a\n  b''");
    expect(print(fromJS("a\nb", { strings: "quoted" }))).toBe('"a\\nb"');
  });
});

describe("layout", () => {
  it("keeps short sets and lists on one line and breaks long ones one item per line", () => {
    expect(print(attrs({ a: 1, b: [1, 2] }))).toBe("{ a = 1; b = [ 1 2 ]; }");
    const long = attrs({ description: "x".repeat(60), homepage: "https://example.com/" + "y".repeat(20) });
    expect(print(long)).toBe(`{\n  description = "${"x".repeat(60)}";\n  homepage = "https://example.com/${"y".repeat(20)}";\n}`);
    expect(print(attrs({ a: 1 }), { width: 5 })).toBe("{\n  a = 1;\n}");
  });

  it("prints empty containers and rec sets", () => {
    expect(print(fromJS({ a: {}, b: [] }))).toBe("{ a = { }; b = [ ]; }");
    expect(print(recAttrs({ a: 1, b: id("a") }))).toBe("rec { a = 1; b = a; }");
    expect(print(lambda(pattern([]), nul()))).toBe("{ }: null");
  });

  it("breaks a multi-line value's parents even when they would fit", () => {
    expect(print(list(attrs({ s: indentedStr("a\nb\n") })))).toBe("[\n  {\n    s = ''\n      a\n      b\n    '';\n  }\n]");
  });

  it("formats set patterns flat or one formal per line with a trailing comma", () => {
    const p = pattern(["pkgs", ["static", false]], { ellipsis: true });
    expect(print(lambda(p, id("pkgs")))).toBe("{ pkgs, static ? false, ... }: pkgs");
    expect(print(lambda(pattern(["pkgs", "lib"], { bind: "args" }), id("pkgs")), { width: 10 })).toBe(
      "{\n  pkgs,\n  lib,\n}@args:\npkgs",
    );
    expect(print(lambda(pattern(["a"], { bind: "args", bindPosition: "before", ellipsis: true }), a))).toBe("args@{ a, ... }: a");
  });

  it("puts a body that does not fit on the next line and opens brackets on the same line", () => {
    const body = call(id("mkACI"), attrs({ name: "n".repeat(90) }));
    expect(print(lambda(pattern(["mkACI"]), body))).toBe(`{ mkACI }:\nmkACI {\n  name = "${"n".repeat(90)}";\n}`);
    expect(print(attrs({ f: lambda("x", attrs({ y: "v".repeat(90) })) }))).toBe(`{\n  f = x: {\n    y = "${"v".repeat(90)}";\n  };\n}`);
    expect(print(withIn(id("pkgs"), list(...Array.from({ length: 30 }, (_, i) => id(`pkg${i}`)))))).toMatch(/^with pkgs; \[\n  pkg0\n/);
  });

  it("writes a comment above a formal, one formal per line; refuses a comment that is not one line", async () => {
    const fn = lambda(pattern([{ name: "name", comment: "The image's name." }, { name: "thin", default: false, comment: "" }, "pkgs"], { ellipsis: true }), id("name"));
    const text = print(fn);
    expect(text).toBe("{\n  # The image's name.\n  name,\n  #\n  thin ? false,\n  pkgs,\n  ...\n}:\nname");
    expect(await parseNix(text)).toContain("name");
    expect(() => pattern([{ name: "a", comment: "two\nlines" }])).toThrow(/one line/);
    expect(() => pattern([{ name: "a", comment: "cr\r" }])).toThrow(/one line/);
  });

  it("opens the bracket of a parenthesised operator chain after the function, as nixfmt does", () => {
    const long = attrs(Object.fromEntries(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"].map((k) => [k, `${k}-value-text`])));
    expect(print(call(id("mkACI"), update(long, id("overrides"))))).toBe(
      `mkACI (\n  ${print(long).replace(/\n/g, "\n  ")}\n  // overrides\n)`,
    );
    expect(print(call(id("f"), update(a, b)))).toBe("f (a // b)");
  });

  it("breaks long operator chains with the operator leading each line", () => {
    const chain = concatLists(id("list0"), ...Array.from({ length: 11 }, (_, i) => id(`list${i + 1}`)));
    expect(print(attrs({ all: chain }))).toBe(`{\n  all =\n    list0\n${Array.from({ length: 11 }, (_, i) => `    ++ list${i + 1}`).join("\n")};\n}`);
  });

  it("breaks if/let/with when they do not fit", () => {
    const long = str("z".repeat(90));
    expect(print(ifThenElse(a, long, b))).toBe(`if a then\n  "${"z".repeat(90)}"\nelse\n  b`);
    expect(print(letIn({ v: long }, id("v")))).toBe(`let\n  v = "${"z".repeat(90)}";\nin\nv`);
  });

  it("prints very long lists, sets, strings and operator chains (no argument spreading limits)", () => {
    const n = 200_000;
    const big = fromJS({ items: Array.from({ length: n }, (_, i) => i), text: "line\n".repeat(n) });
    const text = print(big);
    expect(text.split("\n").length).toBeGreaterThan(2 * n);
    const links = 50_000;
    let chain: Expr = id("x0");
    for (let i = 1; i < links; i++) chain = op(chain, "+", id(`x${i}`));
    expect(print(chain, { width: 40 }).split("\n")).toHaveLength(links);
  });

  it("printFile ends with one newline; the same tree always gives the same bytes", () => {
    const tree = fromJS({ b: [1, { c: "d" }], a: true, n: null });
    expect(printFile(tree)).toBe(`${print(tree)}\n`);
    expect(print(fromJS({ b: [1, { c: "d" }], a: true, n: null }))).toBe(print(tree));
    expect(print(tree)).toBe('{ b = [ 1 { c = "d"; } ]; a = true; n = null; }');
  });
});

describe("fromJS and builders", () => {
  it("embeds Nix expressions found in data and leaves out undefined properties", () => {
    expect(print(fromJS({ pkg: sel(id("pkgs"), "hello"), skip: undefined, on: bool(true) }))).toBe("{ pkg = pkgs.hello; on = true; }");
  });

  it("treats plain objects that merely look like nodes as data", () => {
    const lookalike = { kind: "id", name: "x" };
    expect(isExpr(lookalike)).toBe(false);
    expect(print(fromJS(lookalike))).toBe('{ kind = "id"; name = "x"; }');
    expect(isExpr(id("x"))).toBe(true);
  });

  it("reads like the Nix it builds", () => {
    const tree = call(sel(id("pkgs"), "busybox", "override"), { static: true });
    expect(print(tree)).toBe("pkgs.busybox.override { static = true; }");
    expect(print(sel(id("pkgs"), "pkgsStatic", "busybox"))).toBe("pkgs.pkgsStatic.busybox");
  });
});
