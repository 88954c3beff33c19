/** resolveVariant and toMkACIArgs: the plain data lib/render prints as a mkACI call. */
import { describe, expect, it } from "vitest";
import { attrPath, param, resolveVariant, specAttrName, toMkACIArgs, when, type ACISpec } from "../../lib/spec/index.js";

const spec: ACISpec = {
  name: "example.org/busybox",
  params: { static: false },
  packages: [when(param("static"), attrPath("pkgsStatic", "busybox"), attrPath("busybox"))],
  exec: ["/bin/busybox", "sh"],
  environment: { B: "2", A: "1" },
  labels: { channel: "stable" },
  ports: [{ socketActivated: false, port: 80, name: "http", protocol: "tcp" }],
  isolators: [{ name: "os/linux/no-new-privileges", value: true }],
  customIsolators: [{ name: "vendor.example/x", value: [1] }],
  variants: {
    busyboxThin: { thin: true, environment: { C: "3" } },
    busyboxStatic: { params: { static: true }, labels: { flavour: "static" } },
  },
};

describe("resolveVariant", () => {
  it("without a name: the base, without variants", () => {
    const base = resolveVariant(spec);
    expect(base.variants).toBeUndefined();
    expect(base.thin).toBeUndefined();
  });
  it("replaces fields and merges records by key", () => {
    const thin = resolveVariant(spec, "busyboxThin");
    expect(thin.thin).toBe(true);
    expect(thin.environment).toEqual({ A: "1", B: "2", C: "3" });
    expect(resolveVariant(spec, "busyboxStatic").params).toEqual({ static: true });
    expect(resolveVariant(spec, "busyboxStatic").labels).toEqual({ channel: "stable", flavour: "static" });
  });
  it("an unknown variant is an error naming the known ones", () => {
    expect(() => resolveVariant(spec, "nope")).toThrow('example.org/busybox: no variant "nope" (variants: busyboxThin, busyboxStatic)');
  });
});

describe("toMkACIArgs", () => {
  it("has the mkACI argument shape, keys in a fixed order, records sorted, refs kept", () => {
    const args = toMkACIArgs(resolveVariant(spec, "busyboxThin"));
    expect(Object.keys(args)).toEqual(["name", "labels", "packages", "exec", "environment", "ports", "isolators", "thin"]);
    expect(Object.keys(args["environment"] ?? {})).toEqual(["A", "B", "C"]);
    expect((args["packages"] as readonly unknown[])[0]).toBe(spec.packages[0]);
    expect(args["ports"]).toEqual([{ name: "http", protocol: "tcp", port: 80, socketActivated: false }]);
    expect(Object.keys((args["ports"] as readonly object[])[0] ?? {})).toEqual(["name", "protocol", "port", "socketActivated"]);
    expect(args["isolators"]).toEqual([
      { name: "os/linux/no-new-privileges", value: true },
      { name: "vendor.example/x", value: [1] },
    ]);
  });
  it("is deterministic whatever order the spec was written in", () => {
    const reordered: ACISpec = { exec: spec.exec, packages: spec.packages, environment: { A: "1", B: "2" }, name: spec.name };
    const original: ACISpec = { name: spec.name, packages: spec.packages, exec: spec.exec, environment: { B: "2", A: "1" } };
    expect(JSON.stringify(toMkACIArgs(reordered))).toBe(JSON.stringify(toMkACIArgs(original)));
  });
  it("maps etc and dependencies without dropping set fields", () => {
    const args = toMkACIArgs({
      ...spec,
      etc: { users: [{ shell: "/bin/sh", name: "www", gid: 2, uid: 1 }], groups: [{ gid: 2, name: "www" }] },
      dependencies: [{ size: 1, labels: { os: "linux", arch: "amd64" }, imageName: "example.org/base" }],
    });
    expect(args["etc"]).toEqual({ users: [{ name: "www", uid: 1, gid: 2, shell: "/bin/sh" }], groups: [{ name: "www", gid: 2 }] });
    expect(JSON.stringify(args["dependencies"])).toBe('[{"imageName":"example.org/base","labels":{"arch":"amd64","os":"linux"},"size":1}]');
  });
});

describe("specAttrName", () => {
  it("is the last part of the name as a Nix identifier", () => {
    expect(specAttrName("example.org/busybox")).toBe("busybox");
    expect(specAttrName("example.org/my.app~1")).toBe("my-app-1");
    expect(specAttrName("example.org/0ad")).toBe("_0ad");
    expect(specAttrName("example.org/let")).toBe("_let");
  });
});
