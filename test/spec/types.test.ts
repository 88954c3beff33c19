/**
 * Type-level tests, checked by `tsc -p tsconfig.json` (each `@ts-expect-error` fails the type check
 * if the line below it stops being an error). The runtime part only proves the file loads.
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { attrPath, defineACI, rawNix, param, when, type ACISpec, type Isolator, type PackageRef } from "../../lib/spec/index.js";
import type { isolator } from "../../lib/spec/schema.js";
import * as n from "../../lib/nix/index.js";

/** Exact type equality (not just mutual assignability). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T => true as T;

// The spec types are printed from the argument table (lib/spec/types.ts) and the spec schema is
// built from it at run time; the standard isolators' types and schema are written by hand, and
// must be exactly the same.
assertType<Equals<z.input<typeof isolator>, Isolator>>();

const busybox = attrPath("busybox");
const base = { name: "example.org/busybox", packages: [busybox], exec: ["/bin/sh"] } as const;

defineACI({
  ...base,
  // @ts-expect-error misspelled field
  mountPonts: [],
});
defineACI({
  ...base,
  // @ts-expect-error wrong isolator value shape: cpu-shares is a number
  isolators: [{ name: "os/linux/cpu-shares", value: "1024" }],
});
defineACI({
  ...base,
  // @ts-expect-error capability names start with CAP_
  isolators: [{ name: "os/linux/capabilities-retain-set", value: { set: ["NET_ADMIN"] } }],
});
defineACI({
  ...base,
  // @ts-expect-error block-bandwidth needs default: true
  isolators: [{ name: "resource/block-bandwidth", value: { limit: "1M" } }],
});
defineACI({
  ...base,
  // @ts-expect-error unknown isolator names belong under customIsolators
  isolators: [{ name: "vendor.example/x", value: {} }],
});
defineACI({ ...base, customIsolators: [{ name: "vendor.example/x", value: { any: ["json"] } }] });
// @ts-expect-error exec must not be empty
defineACI({ ...base, exec: [] });
// @ts-expect-error packages must not be empty
defineACI({ ...base, packages: [] });
// @ts-expect-error a package is a reference, never a string
defineACI({ ...base, packages: ["busybox"] });
// @ts-expect-error a param is not a package
defineACI({ ...base, packages: [param("static")] });
// @ts-expect-error compression is one of none, gzip, bzip2, xz
defineACI({ ...base, compression: "zstd" });
// @ts-expect-error os is one of linux, freebsd, darwin
defineACI({ ...base, os: "windows" });
// @ts-expect-error a port number is a number
defineACI({ ...base, ports: [{ name: "http", protocol: "tcp", port: "80" }] });
// @ts-expect-error eventHandler names are pre-start or post-stop
defineACI({ ...base, eventHandlers: [{ name: "on-start", exec: ["/bin/true"] }] });
// @ts-expect-error variants cannot nest variants
defineACI({ ...base, variants: { v: { variants: {} } } });
// @ts-expect-error params are JSON-like data
defineACI({ ...base, params: { f: () => 1 } });

// when() branches may mix references; both must be packages inside `packages`.
defineACI({ ...base, params: { s: false }, packages: [when(param("s"), attrPath("pkgsStatic", "busybox"), rawNix(n.id("drv")))] });
// @ts-expect-error a when() branch that is not a package
defineACI({ ...base, params: { s: false }, packages: [when(param("s"), busybox, "busybox")] });
const overridden: PackageRef = attrPath("nginx").override({ withDebug: true, modules: [attrPath("brotli")] });
defineACI({ ...base, packages: [overridden], variants: { thin: { thin: true }, s: { params: { s: true } } } });

describe("type-level tests", () => {
  it("are checked by tsc; the file loads", () => {
    expect(assertType<true>()).toBe(true);
  });
});
