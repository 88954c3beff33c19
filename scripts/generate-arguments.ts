/**
 * Everything printed from the argument table (lib/spec/arguments/table.ts): the spec types
 * (lib/spec/types.ts), mkACI's formals and checks data (nix/lib/arguments.nix, printed with
 * lib/nix), the reference part of docs/mkaci-arguments.md and the README's spec reference.
 * `--write` updates the files; without it, lists the stale ones and exits 1 if any.
 * test/spec/generated.test.ts fails while any is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderMkACIReference, renderSpecReference } from "./arguments/docs.js";
import { renderArgumentsNix } from "./arguments/nix.js";
import { renderTypes } from "./arguments/types.js";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Replaces the text between `<!-- NAME:start … -->` and `<!-- NAME:end -->`. */
export function between(text: string, name: string, inner: string): string {
  const start = new RegExp(`<!-- ${name}:start[^>]*-->`).exec(text);
  const end = text.indexOf(`<!-- ${name}:end -->`);
  if (start === null || end < start.index) throw new Error(`generate-arguments: the ${name} markers are missing`);
  return `${text.slice(0, start.index + start[0].length)}\n${inner}\n${text.slice(end)}`;
}

/** Relative path → the text it must have. */
export function generatedFiles(): Map<string, string> {
  const read = (relative: string): string => readFileSync(`${root}/${relative}`, "utf8");
  return new Map([
    ["lib/spec/types.ts", renderTypes()],
    ["nix/lib/arguments.nix", renderArgumentsNix()],
    ["docs/mkaci-arguments.md", between(read("docs/mkaci-arguments.md"), "mkaci-arguments", renderMkACIReference())],
    ["README.md", between(read("README.md"), "spec-reference", renderSpecReference())],
  ]);
}

/** The generated files whose committed text differs. */
export function staleFiles(): string[] {
  return [...generatedFiles()].filter(([relative, text]) => readFileSync(`${root}/${relative}`, "utf8") !== text).map(([relative]) => relative);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes("--write")) {
    for (const [relative, text] of generatedFiles()) writeFileSync(`${root}/${relative}`, text);
  } else {
    const stale = staleFiles();
    for (const relative of stale) process.stderr.write(`generate-arguments: ${relative} is stale\n`);
    process.exitCode = stale.length === 0 ? 0 : 1;
  }
}
