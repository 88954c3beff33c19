import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { requireTool } from "./tools.js";

const execFileAsync = promisify(execFile);

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** NIX_CONFIG from nix/host.conf: no substituters, sandboxed builds with host program folders. */
export const nixEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NIX_CONFIG: readFileSync(new URL("../../nix/host.conf", import.meta.url), "utf8"),
};

export function requireNix(): void {
  requireTool("nix-build", "nix-bin");
  requireTool("nix-instantiate", "nix-bin");
}

/** `nix-instantiate --eval --strict --json` of an expression, parsed. */
export function nixEvalJson(expr: string, extraArgs: string[] = []): unknown {
  requireNix();
  const out = execFileSync("nix-instantiate", ["--eval", "--strict", "--json", ...extraArgs, "-E", expr], {
    encoding: "utf8",
    env: nixEnv,
    maxBuffer: 256 * 1024 * 1024,
    cwd: repoRoot,
  });
  return JSON.parse(out) as unknown;
}

/** Runs nix-build with the host settings; resolves to the output paths (one per line of stdout). */
export async function nixBuild(args: string[], cwd: string = repoRoot): Promise<string[]> {
  requireNix();
  const { stdout } = await execFileAsync("nix-build", ["--no-out-link", ...args], {
    encoding: "utf8",
    env: nixEnv,
    cwd,
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout.split("\n").filter((line) => line.length > 0);
}
