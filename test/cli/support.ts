/** Runs nix2aci-gen and nix2aci in this process (their `main` with captured output) for fast CLI tests. */
import { main } from "../../lib/cli/gen.js";
import { main as nix2aci } from "../../lib/cli/nix2aci.js";
import { repoRoot } from "../support/nix.js";

export interface GenRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runGen(argv: readonly string[], cwd: string = repoRoot): Promise<GenRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    cwd,
  });
  return { code, stdout, stderr };
}

/** Runs `nix2aci` (its `main`) in this process with captured output. */
export async function runNix2aci(argv: readonly string[], cwd: string = repoRoot): Promise<GenRun> {
  let stdout = "";
  let stderr = "";
  const code = await nix2aci(argv, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), cwd });
  return { code, stdout, stderr };
}
