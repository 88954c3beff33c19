/** Helpers for tests that evaluate and build generated trees with nix/host-pkgs.nix. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { nixEnv, repoRoot, requireNix } from "../support/nix.js";

export const hostPkgsArg = ["--arg", "pkgs", `import ${path.join(repoRoot, "nix/host-pkgs.nix")} {}`];

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `nix2aci-${prefix}-`));
}

/**
 * `nix-instantiate --eval --strict --json FILE -A ATTR` with host-pkgs as `pkgs`, parsed.
 * `--read-write-mode`: a thin image's manifest reads its closure (import from derivation).
 */
export function evalAttr(file: string, attr: string): unknown {
  requireNix();
  const out = execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "--read-write-mode", ...hostPkgsArg, file, "-A", attr], {
    encoding: "utf8",
    env: nixEnv,
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out) as unknown;
}

/** `nix-instantiate --eval --strict --json -E EXPR`, parsed. */
export function evalExpr(expr: string): unknown {
  requireNix();
  return JSON.parse(execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "--read-write-mode", "-E", expr], { encoding: "utf8", env: nixEnv })) as unknown;
}

/** `nix-instantiate --parse` of one file; throws with Nix's message when it does not parse. */
export function nixParse(file: string): void {
  requireNix();
  execFileSync("nix-instantiate", ["--parse", file], { env: nixEnv, stdio: ["ignore", "ignore", "pipe"] });
}

/** Every file under `dir`, relative, `/`-separated, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (sub: string): void => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const relative = sub === "" ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else out.push(relative);
    }
  };
  walk("");
  return out.sort();
}

export function readTree(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((file) => [file, readFileSync(path.join(dir, file), "utf8")]));
}
