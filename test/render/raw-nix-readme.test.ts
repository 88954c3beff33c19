/**
 * The README's rawNix example, run as written (`import { defineACI, nix, rawNix } from "nix2aci"`):
 * `nix` is lib/nix's namespace, `rawNix` the DSL's escape hatch; the spec renders and Nix
 * evaluates it to the manifest of host-pkgs' hello. The spec is loaded with its own copy of
 * nix2aci (as the CLI loads specs): its `nix.…` nodes must still be recognised as Nix expressions.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createJiti } from "jiti";
import { afterAll, describe, expect, it } from "vitest";
import * as publicApi from "../../lib/index.js";
import { renderACI, type ACISpec } from "../../lib/index.js";
import { nixEvalJson, repoRoot } from "../support/nix.js";

const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
const example = /embedded with\n`rawNix\(…\)`[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
const scratch = mkdtempSync(path.join(tmpdir(), "nix2aci-rawnix-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("rawNix and the nix namespace", () => {
  it("are what the public entry exports: a function and lib/nix's builders, no other `nix`", () => {
    expect(typeof publicApi.rawNix).toBe("function");
    expect(typeof publicApi.nix.id).toBe("function");
    expect(typeof publicApi.nix.print).toBe("function");
    expect(publicApi.nix).not.toHaveProperty("rawNix");
  });

  it("work as the README shows", async () => {
    expect(example).toContain('import { defineACI, nix, rawNix } from "nix2aci";');
    const file = path.join(scratch, "hello.ts");
    writeFileSync(file, example);
    const jiti = createJiti(file, { alias: { nix2aci: path.join(repoRoot, "lib/index.ts") }, fsCache: false });
    const spec = (await jiti.import(file, { default: true })) as ACISpec;
    const text = renderACI(spec, { source: "hello.ts" });
    expect(text).toContain('packages = [ (builtins.getAttr "hello" pkgs) ];');
    const nixFile = path.join(scratch, "hello.nix");
    writeFileSync(nixFile, text);
    const manifest = nixEvalJson(
      `let pkgs = import ${path.join(repoRoot, "nix/host-pkgs.nix")} { }; in (import ${nixFile} { inherit pkgs; inherit (import ${path.join(repoRoot, "nix")} { inherit pkgs; }) mkACI; }).manifest`,
    ) as { labels: { name: string; value: string }[] };
    expect(manifest.labels[0]).toEqual({ name: "version", value: "1.0" });
  });

  it("a validation message names rawNix, never nix(…)", () => {
    const problems = publicApi.validateSpec({ name: "example.org/x", packages: ["hello"], exec: ["/bin/hello"] });
    expect(problems[0]?.message).toContain("rawNix(…)");
    expect(problems[0]?.message).not.toMatch(/(^|[^w])nix\(/);
  });
});
