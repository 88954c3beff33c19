/** Runs test images in-process through `runImage`, with private cache and trust folders. */
import { chmod, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseRunArgs, runImage, type RunPlan } from "../../../lib/run/index.js";
import { requireTool } from "../../support/tools.js";
import { tempDir } from "./aci.js";

export interface RunResult {
  readonly code: number;
  readonly warnings: string[];
  readonly plan: RunPlan | undefined;
}

export interface Sandbox {
  readonly dir: string;
  readonly cacheDir: string;
  readonly trustDir: string;
  /** A world-writable host folder; tests mount it at /out to read what the app saw. */
  readonly outDir: string;
  run(argv: readonly string[]): Promise<RunResult>;
  out(name: string): Promise<string>;
}

export async function sandbox(): Promise<Sandbox> {
  requireTool("bwrap", "bubblewrap");
  requireTool("setpriv", "util-linux");
  const dir = await tempDir("nix2aci-run-");
  const cacheDir = join(dir, "cache");
  const trustDir = join(dir, "trust");
  const outDir = join(dir, "out");
  await mkdir(outDir);
  await chmod(outDir, 0o777);
  return {
    dir,
    cacheDir,
    trustDir,
    outDir,
    async run(argv) {
      const warnings: string[] = [];
      let plan: RunPlan | undefined;
      const code = await runImage(parseRunArgs(argv), {
        cacheDir,
        trustDir,
        warn: (message) => warnings.push(message),
        onPlan: (p) => (plan = p),
      });
      return { code, warnings, plan };
    },
    out: (name) => readFile(join(outDir, name), "utf8"),
  };
}
