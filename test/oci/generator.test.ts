/**
 * One spec, both images: `format: "oci"` (here on variants) makes default.nix call the spec's file
 * with mkOCI; validation refuses what mkOCI would; nix2aci-gen warns once per spec about the
 * fields OCI runtimes ignore.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../lib/cli/gen.js";
import { renderTree, writeTree } from "../../lib/render/index.js";
import { attrPath, defineACI, ociWarning, validateSpec, type ACISpec } from "../../lib/spec/index.js";
import { nixEvalJson, repoRoot } from "../support/nix.js";

const spec: ACISpec = defineACI({
  name: "nix2aci.test/both",
  packages: [attrPath("hello")],
  exec: ["/bin/hello"],
  isolators: [{ name: "os/linux/no-new-privileges", value: true }],
  variants: { bothOci: { format: "oci" }, bothOciSmall: { format: "oci", maxLayers: 2 } },
});

const scratch = mkdtempSync(join(tmpdir(), "nix2aci-oci-gen-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("format: \"oci\"", () => {
  it("default.nix builds the variant with mkOCI, the spec itself with mkACI", () => {
    const tree = renderTree([{ spec, module: "both.ts" }], { nixDir: relative(scratch, join(repoRoot, "nix")) });
    const defaultNix = tree.get("default.nix") ?? "";
    expect(defaultNix).toContain("mkOCI ? (import");
    expect(defaultNix).toMatch(/bothOci = import \.\/both\.nix \{\s*inherit pkgs;\s*mkACI = mkOCI;/);
    writeTree(scratch, tree);
    const built = nixEvalJson(`let t = import ${scratch} { pkgs = import ${join(repoRoot, "nix/host-pkgs.nix")} { }; }; in {
      aci = t.both.imageFileName; oci = t.bothOci.layoutName; layers = t.bothOciSmall.arguments.maxLayers;
      isolators = t.bothOci.config.config.Labels."nix2aci.appc.isolators"; }`);
    expect(built).toEqual({
      aci: "both-1.0-linux-amd64.aci",
      oci: "bothOci-1.0-linux-amd64.oci",
      layers: 2,
      isolators: JSON.stringify([{ name: "os/linux/no-new-privileges", value: true }]),
    });
  });

  it("a tree without OCI images keeps its default.nix as it was (no mkOCI argument)", () => {
    const { variants: _, ...aciOnly } = spec;
    expect(renderTree([{ spec: aciOnly, module: "both.ts" }]).get("default.nix")).not.toContain("mkOCI");
  });

  it("validation refuses a thin or xz OCI image, and an unknown format", () => {
    const rules = (s: unknown): string[] => validateSpec(s).map((p) => `${p.path.join(".")}: ${p.rule}`);
    expect(rules({ ...spec, variants: { x: { format: "oci", thin: true } } })).toEqual(["variants.x.thin: oci-thin"]);
    expect(rules({ ...spec, variants: { x: { format: "oci", compression: "xz" } } })).toEqual(["variants.x.compression: oci-compression"]);
    expect(rules({ ...spec, variants: {}, format: "docker" }).map((r) => r.split(":")[0])).toEqual(["format"]);
    expect(rules({ ...spec, variants: {}, format: "oci" })).toEqual([]);
  });

  it("the warning names the ignored fields and the OCI images, once per spec", () => {
    expect(ociWarning(spec)).toBe("OCI runtimes ignore isolators in bothOci, bothOciSmall (kept as nix2aci.appc.* labels; docs/oci.md)");
    const { isolators: _, ...plain } = spec;
    expect(ociWarning(plain as ACISpec)).toBeUndefined();
    const { variants: __, ...aciOnly } = spec;
    expect(ociWarning(aciOnly)).toBeUndefined();
  });

  it("nix2aci-gen prints it on stderr once per spec, and still writes the tree", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const status = await main(["--out-dir", join(scratch, "examples"), join(repoRoot, "examples/pkgs")], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      cwd: repoRoot,
    });
    expect(status).toBe(0);
    const warnings = err.join("").split("\n").filter((line) => line.includes("warning:"));
    expect(warnings).toEqual([
      "examples/pkgs/generic/toolbox.ts: nix2aci.example/toolbox: warning: OCI runtimes ignore mountPoints[].readOnly in toolboxOci (kept as nix2aci.appc.* labels; docs/oci.md)",
      "examples/pkgs/linux/busybox.ts: nix2aci.example/busybox: warning: OCI runtimes ignore isolators in busyboxOci (kept as nix2aci.appc.* labels; docs/oci.md)",
      "examples/pkgs/services/httpd.ts: nix2aci.example/httpd: warning: OCI runtimes ignore isolators, mountPoints[].readOnly in httpdOci (kept as nix2aci.appc.* labels; docs/oci.md)",
    ]);
  });
});
