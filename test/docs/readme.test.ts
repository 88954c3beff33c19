import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderSpecReference } from "../../scripts/arguments/docs.js";
import { generatedFiles } from "../../scripts/generate-arguments.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("has a spec reference printed from the argument table (regenerate with scripts/generate-arguments.ts --write)", () => {
    expect(generatedFiles().get("README.md")).toBe(readme);
  });

  it("documents every top-level spec field", () => {
    const reference = renderSpecReference();
    for (const field of ["name", "packages", "exec", "thin", "params", "variants", "isolators", "mountPoints", "etc"]) {
      expect(reference).toContain(`| \`${field}\``);
    }
  });

  it("opens with the two commands a newcomer types: the demo, then the tests", () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const commands = firstBlock.split("\n").filter((l) => l.trim() !== "").map((l) => l.replace(/\s+#.*$/, ""));
    expect(commands).toEqual(["bash scripts/demo.sh", "npm test"]);
    const ci = readFileSync(new URL("../../.ci/run", import.meta.url), "utf8");
    expect(ci).toMatch(/^npm test$/m);
  });
});
