/** Runs nix2aci-gen in this process (its `main` with captured output) for fast CLI tests. */
import { main } from "../../lib/cli/gen.js";
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
