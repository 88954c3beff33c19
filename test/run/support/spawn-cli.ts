/** Spawns `nix2aci` from source (jiti), capturing output: for tests of exit codes and messages. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { repoRoot } from "../../support/nix.js";

const entry = fileURLToPath(new URL("./nix2aci-cli.ts", import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, wrapper: readonly string[] = []): Promise<CliResult> {
  return spawnCommand([...wrapper, process.execPath, "--import", "jiti/register", entry, ...args], env, repoRoot);
}

/** Runs a command with extra environment, no stdin, capturing its output and exit code. */
export function spawnCommand(command: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] ?? "", command.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
