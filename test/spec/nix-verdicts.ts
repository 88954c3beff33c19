/**
 * Nix's verdict on rendered spec files, many at once: each file is called with host-pkgs and a
 * `mkACI` that returns what nix/lib (the checks mkACI runs) says of the arguments: the problems,
 * or the manifest. One `nix-instantiate --eval --strict --json` per batch; a batch that fails as
 * a whole (a raw Nix error: exactly what must never happen) is split until the file that fails
 * is found, with Nix's message.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { nixEnv, repoRoot, requireNix } from "../support/nix.js";

const execFileAsync = promisify(execFile);

export interface NixProblem {
  readonly path: string;
  readonly rule: string;
  readonly message: string;
}
export type NixVerdict =
  | { readonly kind: "problems"; readonly problems: readonly NixProblem[] }
  | { readonly kind: "manifest"; readonly manifest: unknown }
  /** Evaluation failed outside the checks: Nix's own error. */
  | { readonly kind: "error"; readonly message: string };

const BATCH = 250;

function batchExpression(files: readonly string[]): string {
  return `let
  pkgs = import ${path.join(repoRoot, "nix/host-pkgs.nix")} { };
  lib = import ${path.join(repoRoot, "nix/lib")} { system = "x86_64-linux"; };
  mkACI = args:
    let problems = lib.problems args; in
    if problems != [ ] then { problems = map (p: { inherit (p) path rule message; }) problems; }
    else { manifest = (lib.prepare "mkACI" args).manifest [ ]; };
in
map (file: import file { inherit pkgs mkACI; }) [ ${files.map((f) => JSON.stringify(f)).join(" ")} ]`;
}

async function evaluate(files: readonly string[]): Promise<NixVerdict[]> {
  try {
    const { stdout } = await execFileAsync("nix-instantiate", ["--eval", "--strict", "--json", "-E", batchExpression(files)], {
      encoding: "utf8",
      env: nixEnv,
      maxBuffer: 256 * 1024 * 1024,
    });
    return (JSON.parse(stdout) as ({ problems: NixProblem[] } | { manifest: unknown })[]).map((r) =>
      "problems" in r ? { kind: "problems", problems: r.problems } : { kind: "manifest", manifest: r.manifest },
    );
  } catch (error) {
    const message = ((error as { stderr?: string }).stderr ?? String(error)).trim();
    if (files.length === 1) return [{ kind: "error", message }];
    const half = Math.ceil(files.length / 2);
    return [...(await evaluate(files.slice(0, half))), ...(await evaluate(files.slice(half)))];
  }
}

/** Nix's verdict on each text (a rendered spec file), in order; `undefined` texts are skipped. */
export async function nixVerdicts(texts: readonly (string | undefined)[]): Promise<(NixVerdict | undefined)[]> {
  requireNix();
  const dir = mkdtempSync(path.join(tmpdir(), "nix2aci-differential-"));
  try {
    const files: { index: number; file: string }[] = [];
    texts.forEach((text, index) => {
      if (text === undefined) return;
      const file = path.join(dir, `c${index}.nix`);
      writeFileSync(file, text);
      files.push({ index, file });
    });
    const verdicts: (NixVerdict | undefined)[] = texts.map(() => undefined);
    for (let i = 0; i < files.length; i += BATCH) {
      const chunk = files.slice(i, i + BATCH);
      const results = await evaluate(chunk.map((c) => c.file));
      chunk.forEach((c, n) => (verdicts[c.index] = results[n]));
    }
    return verdicts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
