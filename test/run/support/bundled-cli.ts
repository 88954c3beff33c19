/**
 * The `nix2aci` CLI bundled (esbuild) into one file in a world-readable folder: it starts in a
 * fraction of jiti's time, so tests can spawn it many times, and an ordinary user can run it
 * (a checkout in a private folder is unreadable to uid 1000).
 */
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

/** `nix2aci ARGS` from the bundle: exit code, stdout, stderr. */
export async function cli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const wrapper = options.asUser === undefined ? [] : ["setpriv", `--reuid=${options.asUser}`, `--regid=${options.asUser}`, "--clear-groups", "--"];
  return spawnCommand([...wrapper, process.execPath, await bundledCli(), ...args], options.env ?? {}, options.cwd ?? "/");
}
