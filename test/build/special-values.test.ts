/**
 * Issue 12's acceptance, built for real: a spec holding the values and record keys that used to
 * be mangled (`labels.type = "derivation"`, `__proto__`, `constructor`, `outPath`, `__toString`,
 * `__functor`, `recurseForDerivations`, `_type` keys, a user named `svc$`) is rendered, built by
 * nix-build with host-pkgs, passes actool validate, and its manifest holds every value exactly;
 * the manifest is passthru.manifest.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderACI } from "../../lib/render/index.js";
import { attrPath, defineACI, ownRecord, validateSpec } from "../../lib/spec/index.js";
import { readAciManifest } from "../support/image.js";
import { nixBuild, nixEvalJson, repoRoot } from "../support/nix.js";
import { requireTool } from "../support/tools.js";
import { tempDir } from "../render/support.js";
import { aciIn } from "./build-fixtures.js";

const ALL = ["__proto__", "constructor", "outPath", "type", "__toString", "__functor", "recurseForDerivations", "_type"];
/** What an object of the manifest can hold (builtins.toJSON cannot write outPath or __toString keys). */
const OBJECT_KEYS = ALL.filter((key) => key !== "outPath" && key !== "__toString");

const spec = defineACI({
  name: "nix2aci.test/special-values",
  packages: [attrPath("busybox")],
  exec: ["/bin/sh", "-c", 'echo "$outPath"'],
  user: "svc$",
  group: "svc$",
  etc: { users: [{ name: "svc$", uid: 1000, gid: 1000 }], groups: [{ name: "svc$", gid: 1000 }] },
  labels: ownRecord([["type", "derivation"], ["constructor", "c"]]) as Record<string, string>,
  environment: ownRecord(ALL.map((key) => [key, `value of ${key}`])) as Record<string, string>,
  userLabels: ownRecord(OBJECT_KEYS.map((key) => [key, `label ${key}`])) as Record<string, string>,
  userAnnotations: ownRecord(OBJECT_KEYS.map((key) => [key, `note ${key}`])) as Record<string, string>,
  isolators: [{ name: "os/unix/sysctl", value: ownRecord([["type", "derivation"], ["__proto__", "p"], ["_type", "t"]]) as Record<string, string> }],
});

describe("special values and keys in a built image", () => {
  it("build, pass actool validate, and arrive exactly (the manifest is passthru.manifest)", async () => {
    requireTool("actool", "appc-spec");
    expect(validateSpec(spec)).toEqual([]);
    const dir = tempDir("special-values");
    const file = path.join(dir, "special.nix");
    writeFileSync(file, renderACI(spec, { source: "special.ts", nixDir: path.relative(dir, path.join(repoRoot, "nix")) }));
    const pkgs = `import ${path.join(repoRoot, "nix/host-pkgs.nix")} { }`;
    const [out] = await nixBuild([file, "--arg", "pkgs", pkgs]);
    const aci = aciIn(out as string);
    const validate = spawnSync("actool", ["validate", aci], { encoding: "utf8" });
    expect(validate.stderr).toBe("");
    expect(validate.status).toBe(0);

    const manifest = (await readAciManifest(aci)) as { labels: { name: string; value: string }[]; app: Record<string, unknown> };
    expect(manifest).toEqual(nixEvalJson(`(import ${file} { pkgs = ${pkgs}; }).manifest`));
    expect(manifest.labels.slice(3)).toEqual([
      { name: "constructor", value: "c" },
      { name: "type", value: "derivation" },
    ]);
    expect(manifest.app["user"]).toBe("svc$");
    const environment = manifest.app["environment"] as { name: string; value: string }[];
    expect(environment.map((e) => e.name).sort()).toEqual([...ALL].sort());
    for (const { name, value } of environment) expect(value).toBe(`value of ${name}`);
    for (const [field, prefix] of [["userLabels", "label"], ["userAnnotations", "note"]] as const) {
      const object = manifest.app[field] as Record<string, string>;
      expect(Object.keys(object).sort()).toEqual([...OBJECT_KEYS].sort());
      for (const key of OBJECT_KEYS) expect(Object.getOwnPropertyDescriptor(object, key)?.value).toBe(`${prefix} ${key}`);
    }
    const [isolator] = manifest.app["isolators"] as { name: string; value: Record<string, unknown> }[];
    expect(JSON.stringify(isolator)).toBe('{"name":"os/unix/sysctl","value":{"__proto__":"p","_type":"t","type":"derivation"}}');
  }, 300_000);
});
