/**
 * Spec strings reach the manifest exactly, whatever they hold: quotes, `${`, `''`, backslashes,
 * newlines, CR, tabs, control characters, Unicode (astral too). Checked by rendering specs with
 * lib/render, then evaluating `<attr>.manifest` of the derivation with the real Nix.
 */
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderTree, writeTree } from "../../lib/render/index.js";
import { attrPath, defineACI, type ACISpec } from "../../lib/spec/index.js";
import { repoRoot } from "../support/nix.js";
import { evalAttr, tempDir } from "./support.js";

const nasty = [
  "", " ", '"', '""', "\\", "\\\\", "\\n", "$", "$$", "${", "${x}", "$${x}", "\\${x}", "${''}",
  "'", "''", "'''", "''${x}", "''\\n", "''$", "$''", "x'", "'\n'", "\n", "\n\n", " \n ", "\r",
  "\r\n", "\t", "\t\n\t", "  \n  indented\n    more\n", " leading", "trailing ", "\u0001\u001f\u007f",
  "é", "日本語", "😀", "\u{10FFFF}", "\u{1F600}\u{1F3FD}", "\u2028\u2029", "\u200b", "\uFEFF",
  "#", "/*", "*/", "<nixpkgs>", "./a", "a\\", "end with backslash\\", "x = 1;", "}", "{",
];

/** A spec holding every string in exec, environment values and user labels. */
function specWith(strings: readonly string[]): ACISpec {
  const record = (prefix: string): Record<string, string> =>
    Object.fromEntries(strings.map((text, i) => [`${prefix}${String(i).padStart(4, "0")}`, text]));
  return defineACI({
    name: "example.org/strings",
    packages: [attrPath("busybox")],
    exec: ["/bin/sh", ...strings],
    environment: record("VAR_"),
    userLabels: record("label-"),
    annotations: { authors: strings.join("") },
  });
}

interface Manifest {
  annotations?: { name: string; value: string }[];
  app: { exec: string[]; environment: { name: string; value: string }[]; userLabels: Record<string, string> };
}

function roundTrip(strings: readonly string[]): Manifest {
  const dir = tempDir("strings");
  writeTree(dir, renderTree([specWith(strings)], { nixDir: path.relative(dir, path.join(repoRoot, "nix")) }));
  return evalAttr(dir, "strings.manifest") as Manifest;
}

function expectExact(strings: readonly string[], context: string): void {
  const manifest = roundTrip(strings);
  expect(manifest.app.exec.slice(1), context).toEqual(strings);
  expect(manifest.app.environment.map((entry) => entry.value), context).toEqual(strings);
  expect(Object.values(manifest.app.userLabels), context).toEqual(strings);
  expect(manifest.annotations?.find((a) => a.name === "authors")?.value, context).toBe(strings.join(""));
}

describe("strings reach the manifest exactly", () => {
  it("a corpus of strings that break naive escaping", () => {
    expectExact(nasty, "nasty corpus");
  });

  it("random strings of code points and Nix-significant pieces", () => {
    const seed = process.env.CI ? 5 : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
    const piece = fc.oneof(
      fc.constantFrom("${", "''", "'", "$", "\\", '"', "\n", "\r", "\t", " ", "😀", "{", "}"),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    );
    const text = fc.string({ unit: piece, maxLength: 12 }).filter((s) => !s.includes("\0"));
    const strings = fc.sample(text, { numRuns: 400, seed });
    expectExact(strings, `fast-check seed ${seed}`);
  });
});
