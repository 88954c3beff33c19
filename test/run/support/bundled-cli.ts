/**
 * The `nix2aci` CLI bundled (esbuild) into one file in a world-readable folder: it starts in a
 * fraction of jiti's time, so tests can spawn it many times, and an ordinary user can run it
 * (a checkout in a private folder is unreadable to uid 1000).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { tempDir } from "./aci.js";
import { spawnCommand, type CliResult } from "./spawn-cli.js";

let bundled: Promise<string> | undefined;

export function bundledCli(): Promise<string> {
  bundled ??= (async () => {
    const dir = await tempDir("nix2aci-cli-");
    chmodSync(dir, 0o755);
    const file = join(dir, "nix2aci.mjs");
    await build({
      entryPoints: [new URL("./nix2aci-cli.ts", import.meta.url).pathname],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: file,
      banner: { js: 'import { createRequire as nix2aciCreateRequire } from "node:module"; const require = nix2aciCreateRequire(import.meta.url);' },
      logLevel: "silent",
    });
    chmodSync(file, 0o644);
    return file;
  })();
  return bundled;
}

export interface CliOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Run as this uid (and gid), without supplementary groups (util-linux setpriv; needs root). */
  readonly asUser?: number;
}

async function commandLine(args: readonly string[], options: CliOptions): Promise<string[]> {
  const wrapper = options.asUser === undefined ? [] : ["setpriv", `--reuid=${options.asUser}`, `--regid=${options.asUser}`, "--clear-groups", "--"];
  return [...wrapper, process.execPath, await bundledCli(), ...args];
}

/** `nix2aci ARGS` from the bundle: exit code, stdout, stderr. */
export async function cli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCommand(await commandLine(args, options), options.env ?? {}, options.cwd ?? "/");
}

export interface StartedCli {
  readonly child: ChildProcess;
  /** Resolves when it exited (signal: the one that killed it, if any). */
  readonly done: Promise<CliResult & { readonly signal: NodeJS.Signals | null }>;
}

/** Starts `nix2aci ARGS` without waiting, so a test can signal it. */
export async function startCli(args: readonly string[], options: CliOptions = {}): Promise<StartedCli> {
  const [file = "", ...rest] = await commandLine(args, options);
  const child = spawn(file, rest, { cwd: options.cwd ?? "/", env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}
