/** The package DSL: references are plain, inspectable data, never strings. */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { REF, attrPath, describeRef, isPackageRef, isRef, rawNix, param, pkgs, refNode, when, type AttrPathRef } from "../../lib/spec/index.js";
import * as n from "../../lib/nix/index.js";

/** `pkgs.a.b` without the `| undefined` that noUncheckedIndexedAccess adds to index signatures. */
const at = (ref: AttrPathRef | undefined): AttrPathRef => {
  if (ref === undefined) throw new Error("pkgs proxy returned undefined");
  return ref;
};

describe("pkgs", () => {
  it("turns property chains into attribute paths", () => {
    expect(refNode(at(pkgs["busybox"]))).toEqual({ kind: "attrPath", path: ["busybox"] });
    expect(refNode(at(at(pkgs["pkgsStatic"])["busybox"]))).toEqual({ kind: "attrPath", path: ["pkgsStatic", "busybox"] });
    expect(refNode(at(at(pkgs["python3Packages"])["requests"]))).toEqual(refNode(attrPath("python3Packages", "requests")));
  });
  it("keeps its data under the REF symbol, shared across module copies", () => {
    const ref = attrPath("hello");
    expect(REF).toBe(Symbol.for("nix2aci.ref"));
    expect(ref[REF]).toEqual({ kind: "attrPath", path: ["hello"] });
    expect(Object.getOwnPropertySymbols(ref)).toEqual([REF]);
    expect(Object.keys(ref)).toEqual([]);
    expect(isRef(ref) && isPackageRef(ref)).toBe(true);
  });
  it("overrides carry the base and JSON-like or reference arguments, and chain", () => {
    const ref = attrPath("nginx").override({ withDebug: true, modules: [attrPath("nginxModules", "brotli")] }).override({ x: null });
    const node = refNode(ref);
    expect(node.kind).toBe("override");
    expect(node.args).toEqual({ x: null });
    const inner = refNode(node.base);
    expect(inner.kind === "override" && inner.args["withDebug"]).toBe(true);
    expect(describeRef(ref)).toBe("pkgs.nginx.override({withDebug, modules}).override({x})");
  });
  it("cannot be pasted into a string", () => {
    expect(() => `${String(attrPath("busybox"))}`).toThrow(/pkgs\.busybox is a Nix reference, not a string/);
    expect(() => `${attrPath("a", "b") as unknown as string}/bin/sh`).toThrow(/pkgs\.a\.b is a Nix reference/);
  });
  it("is not a thenable, shows readably, and serialises to its data", () => {
    expect((attrPath("x") as unknown as { then?: unknown }).then).toBeUndefined();
    expect(inspect(attrPath("pkgsStatic", "busybox"))).toBe("pkgs.pkgsStatic.busybox");
    expect(JSON.parse(JSON.stringify({ p: attrPath("a") }))).toEqual({ p: { kind: "attrPath", path: ["a"] } });
  });
  it("cannot be modified", () => {
    const ref = attrPath("a") as unknown as Record<string, unknown>;
    expect(() => {
      "use strict";
      ref["x"] = 1;
    }).toThrow(TypeError);
  });
  it("reserved names are reachable through attrPath", () => {
    expect(typeof attrPath("a").override).toBe("function");
    expect(refNode(attrPath("a", "override"))).toEqual({ kind: "attrPath", path: ["a", "override"] });
  });
});

describe("param, when, rawNix", () => {
  it("are plain nodes", () => {
    const raw = rawNix(n.id("x"));
    expect(refNode(param("static"))).toEqual({ kind: "param", name: "static" });
    const w = refNode(when(param("static"), attrPath("a"), attrPath("b")));
    expect(w.kind).toBe("when");
    expect(refNode(raw).kind).toBe("rawNix");
    expect(isPackageRef(param("static"))).toBe(false);
    expect(isPackageRef(raw)).toBe(true);
    expect(isRef({ kind: "attrPath", path: ["a"] })).toBe(false);
  });
});
