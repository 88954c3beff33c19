/** `runImage`: the whole of `nix2aci run`, from the image file to the app's exit code. */
import { randomBytes } from "node:crypto";
import { chmod, chown, mkdir, mkdtemp, readdir } from "node:fs/promises";
import { join } from "node:path";
import { ImageError, readImage, removeTree } from "../image/index.js";
import type { RunOptions } from "./args.js";
import { cacheDir, ensureUnpacked } from "./cache.js";
import { RunError } from "./errors.js";
import { planRun, type RunPlan } from "./plan.js";
import { checkPlatform } from "./platform.js";
import { prepareRunRoot } from "./run-root.js";
import { isHostRoot, launch } from "./sandbox.js";
import { checkImageSignature } from "./signature.js";
import { findTool } from "./tools.js";
import { trustDir } from "../sign/index.js";

export interface RunImageEnvironment {
  /** Defaults: $NIX2ACI_CACHE_DIR / $NIX2ACI_TRUST_DIR or their ~ locations. */
  readonly cacheDir?: string;
  readonly trustDir?: string;
  readonly warn?: (message: string) => void;
  /** Called with the plan just before the sandbox starts (tests, --debug output). */
  readonly onPlan?: (plan: RunPlan) => void;
}

async function makeEmptyVolumes(plan: RunPlan): Promise<void> {
  for (const volume of plan.emptyVolumes) {
    await mkdir(volume.hostDir, { recursive: true });
    if (process.getuid?.() === 0) await chown(volume.hostDir, volume.uid, volume.gid);
    await chmod(volume.hostDir, volume.mode);
  }
}

/** Removes the run roots of nix2aci processes that died without cleaning up (killed hard). */
async function sweepAbandonedRuns(runsDir: string): Promise<void> {
  for (const name of await readdir(runsDir)) {
    const pid = Number(/^run-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
      continue; // still running (or the pid was reused: leave it alone)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") continue;
    }
    await removeTree(join(runsDir, name));
  }
}

export async function runImage(options: RunOptions, environment: RunImageEnvironment = {}): Promise<number> {
  const warn = environment.warn ?? ((message: string) => process.stderr.write(`nix2aci run: warning: ${message}\n`));
  findTool("bwrap", "bubblewrap");
  if (isHostRoot()) findTool("setpriv", "util-linux");
  if (!options.image.endsWith(".aci")) {
    throw new RunError(`'${options.image}': an image file name must end in .aci (as rkt requires)`);
  }

  let info;
  try {
    info = await readImage(options.image);
  } catch (error) {
    if (error instanceof ImageError) throw new RunError(error.message);
    throw error;
  }
  checkPlatform(info.manifest);
  if (options.skipSignatureCheck) {
    warn(`--insecure-options=image: NOT checking the signature of '${options.image}' (${info.manifest.name}); it runs unverified`);
  } else {
    await checkImageSignature(options.image, info.manifest.name, environment.trustDir ?? trustDir());
  }

  const cache = environment.cacheDir ?? cacheDir();
  const unpacked = await ensureUnpacked(options.image, info, cache);
  await mkdir(join(cache, "runs"), { recursive: true, mode: 0o700 });
  await sweepAbandonedRuns(join(cache, "runs"));
  const runDir = await mkdtemp(join(cache, "runs", `run-${process.pid}-`));
  try {
    const runRoot = await prepareRunRoot(unpacked.rootfs, join(runDir, "root"));
    const plan = await planRun({
      manifest: info.manifest,
      options,
      runRoot,
      volumesDir: join(runDir, "volumes"),
      hostname: `nix2aci-${randomBytes(4).toString("hex")}`,
    });
    for (const message of plan.warnings) warn(message);
    await makeEmptyVolumes(plan);
    environment.onPlan?.(plan);
    // rkt: a failing pre-start handler stops the app; post-stop runs whatever the app did.
    if (plan.preStart !== undefined) {
      const code = await launch(plan, { interactive: false, warn: () => undefined, command: plan.preStart });
      if (code !== 0) throw new RunError(`the pre-start event handler ${JSON.stringify(plan.preStart)} exited ${code}: the app was not started`);
    }
    const code = await launch(plan, { interactive: options.interactive, warn });
    if (plan.postStop !== undefined) {
      const stopCode = await launch(plan, { interactive: false, warn: () => undefined, command: plan.postStop });
      if (stopCode !== 0) warn(`the post-stop event handler ${JSON.stringify(plan.postStop)} exited ${stopCode}`);
    }
    return code;
  } finally {
    await removeTree(runDir);
  }
}
