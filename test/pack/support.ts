/**
 * The npm package as a user gets it: `npm pack` (its `prepack` compiles lib/ into dist/) of a copy
 * of the files git sees, so the repository's own dist/ is left alone while other tests read it.
 */
import { execFile } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../support/nix.js";
import { requireTool } from "../support/tools.js";
import { copyRepoSources, tempDir } from "../flake/support.js";

const execFileAsync = promisify(execFile);

export interface Packed {
  /** The .tgz, absolute. */
  readonly tarball: string;
  /** The files in it, sorted. */
  readonly files: readonly string[];
}

/** `npm ARGS` in `cwd`; rejects with npm's stderr. */
export async function npm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  requireTool("npm", "npm");
  try {
    const { stdout } = await execFileAsync("npm", [...args], { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`npm ${args.join(" ")} failed:\n${failed.stderr ?? failed.message}`);
  }
}

export async function packTarball(): Promise<Packed> {
  const work = tempDir("pack");
  const source = copyRepoSources(path.join(work, "nix2aci"));
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(source, "node_modules"));
  const out = path.join(work, "tarball");
  mkdirSync(out);
  const [result] = JSON.parse(await npm(["pack", "--json", "--pack-destination", out], source)) as [{ filename: string; files: { path: string }[] }];
  return { tarball: path.join(out, result.filename), files: result.files.map((file) => file.path).sort() };
}
