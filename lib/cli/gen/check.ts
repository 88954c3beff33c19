import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../args.js";


/** One rendered file nix-instantiate refused, with its message. */
export interface ParseFailure {
  readonly file: string;
  readonly message: string;
}

/**
 * Parses every rendered file with `nix-instantiate --parse` (in a scratch folder mirroring the
 * tree, so relative imports look as they will), one process for all files when they all parse.
 * Returns the files that do not parse; throws a UsageError when nix-instantiate is absent.
 */
export function checkWithNix(tree: ReadonlyMap<string, string>): ParseFailure[] {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "nix2aci-check-"));
  try {
    const files: string[] = [];
    for (const [relative, text] of tree) {
      const file = path.join(scratch, ...relative.split("/"));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      files.push(file);
    }
    if (parse(files).ok) return [];
    // Something failed: parse one by one to name every file that is wrong.
    const failures: ParseFailure[] = [];
    for (const [index, relative] of [...tree.keys()].entries()) {
      const result = parse([files[index] as string]);
      if (!result.ok) failures.push({ file: relative, message: result.stderr.split(scratch + path.sep).join("").trim() });
    }
    return failures;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function parse(files: readonly string[]): { ok: boolean; stderr: string } {
  const result = spawnSync("nix-instantiate", ["--parse", ...files], {
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error !== undefined) throw missingNixOr(result.error);
  return { ok: result.status === 0, stderr: result.stderr };
}

/** Throws the UsageError of `--check` when nix-instantiate is not on PATH. */
export function requireNixInstantiate(): void {
  const result = spawnSync("nix-instantiate", ["--version"], { stdio: "ignore" });
  if (result.error !== undefined) throw missingNixOr(result.error);
}

function missingNixOr(error: Error): Error {
  // A request that cannot be obeyed here: exit 2, like any usage error.
  if ((error as NodeJS.ErrnoException).code !== "ENOENT") return error;
  return new UsageError("--check needs nix-instantiate, which is not on PATH (install Nix; Debian: apt-get install nix-bin)");
}
