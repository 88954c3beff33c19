/** checkPackagePaths: a `pkgs.x.y` the package set lacks is reported at the spec's file and field. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkPackagePaths } from "../../lib/render/index.js";
import { attrPath, defineACI, formatProblems, param, when } from "../../lib/spec/index.js";
import { nixEnv, repoRoot } from "../support/nix.js";

const pkgs = `import ${path.join(repoRoot, "nix/host-pkgs.nix")} { }`;
const base = { exec: ["/bin/sh"] } as const;

describe("checkPackagePaths", () => {
  it("reports each missing attribute path where the spec names it, and nothing for the rest", async () => {
    const good = defineACI({ ...base, name: "example.org/good", packages: [attrPath("busybox"), attrPath("pkgsStatic", "busybox")] });
    const bad = defineACI({
      ...base,
      name: "example.org/bad",
      params: { small: false },
      packages: [
        attrPath("busybox"),
        attrPath("doesnotexist"),
        when(param("small"), attrPath("pkgsStatic", "nope"), attrPath("hello").override({ helper: attrPath("missing", "deeper") })),
        attrPath("hello", "version", "x"),
      ],
      variants: { other: { packages: [attrPath("gone")] } },
    });
    const reports = await checkPackagePaths([{ spec: good, module: "good.ts" }, { spec: bad, module: "bad.ts" }], { pkgs, env: nixEnv });
    expect(reports.map((r) => r.spec.module)).toEqual(["good.ts", "bad.ts"]);
    expect(reports[0]?.problems).toEqual([]);
    expect(formatProblems(reports[1]?.problems ?? [], "bad.ts")).toBe(
      [
        'bad.ts: packages[1]: pkgs.doesnotexist does not exist in the package set (pkgs has no attribute "doesnotexist")',
        'bad.ts: packages[2]: pkgs.pkgsStatic.nope does not exist in the package set (pkgs.pkgsStatic has no attribute "nope")',
        'bad.ts: packages[2].helper: pkgs.missing.deeper does not exist in the package set (pkgs has no attribute "missing")',
        "bad.ts: packages[3]: pkgs.hello.version.x does not exist in the package set (pkgs.hello.version is not an attribute set)",
        'bad.ts: variants.other.packages[0]: pkgs.gone does not exist in the package set (pkgs has no attribute "gone")',
      ].join("\n"),
    );
    expect(reports[1]?.problems.every((p) => p.rule === "package-exists")).toBe(true);
  });

  it("reports an attribute whose evaluation throws (a removed package's alias)", async () => {
    const throwing = `(${pkgs}) // { removed = throw "removed has been removed"; }`;
    const spec = defineACI({ ...base, name: "example.org/x", packages: [attrPath("removed")] });
    const [report] = await checkPackagePaths([{ spec }], { pkgs: throwing, env: nixEnv });
    expect(formatProblems(report?.problems ?? [])).toBe("packages[0]: pkgs.removed: evaluating pkgs.removed fails in the package set");
  });

  it("says so when the package set itself does not evaluate", async () => {
    const spec = defineACI({ ...base, name: "example.org/x", packages: [attrPath("busybox")] });
    await expect(checkPackagePaths([{ spec }], { pkgs: "import /nonexistent/pkgs.nix { }", env: nixEnv })).rejects.toThrow(
      /the package set import \/nonexistent\/pkgs.nix \{ \} does not evaluate: error: .*nonexistent/,
    );
  });
});
