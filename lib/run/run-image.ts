/** `runImage`: the whole of `nix2aci run`, from the image file to the app's exit status. */
import { randomBytes } from "node:crypto";
import { chmod, chown, mkdir, mkdtemp, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { ImageError, openImageFile, readImage, removeTree, sameFile, stagingOwner } from "../image/index.js";
import type { RunOptions } from "./args.js";
import { cacheDir, ensureUnpacked, openCache, runOwner, sweepAbandoned } from "./cache.js";
import { RunError } from "./errors.js";
import { planRun, type RunPlan } from "./plan.js";
import { checkPlatform } from "./platform.js";
import { copyRunRoot, prepareOverlay, type RunRoot } from "./run-root.js";
import { isHostRoot, launch, OverlayRefused } from "./sandbox.js";
import { checkImageSignature } from "./signature.js";
import { RunSignals } from "./signals.js";
import { findTool } from "./tools.js";

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

/** Every failure as a RunError (exit status 125 unless it says otherwise). */
function asRunError(error: unknown): RunError {
  if (error instanceof RunError) return error;
  if (error instanceof ImageError) return new RunError(error.message, { cause: error });
  return new RunError(error instanceof Error ? error.message : String(error), { cause: error });
}

/**
 * Runs an image file; resolves to the app's exit status (128+N when a signal N killed it). Every
 * failure of nix2aci itself rejects with a RunError whose `exitStatus` says how to exit.
 */
export async function runImage(options: RunOptions, environment: RunImageEnvironment = {}): Promise<number> {
  const warn = environment.warn ?? ((message: string) => process.stderr.write(`nix2aci run: warning: ${message}\n`));
  findTool("bwrap", "bubblewrap");
  if (isHostRoot()) findTool("setpriv", "util-linux");
  if (!options.image.endsWith(".aci")) {
    throw new RunError(`'${options.image}': an image file name must end in .aci (as rkt requires)`);
  }
  const signals = new RunSignals();
  const { signal } = signals;
  let image: FileHandle | undefined;
  let runDir: string | undefined;
  try {
    image = await openImageFile(options.image);
    const signed = options.skipSignatureCheck
      ? undefined
      : await checkImageSignature(options.image, image, { signal, ...(environment.trustDir === undefined ? {} : { trustDir: environment.trustDir }) });
    const info = await readImage(options.image, { handle: image, signal });
    if (signed === undefined) {
      warn(`--insecure-options=image: NOT checking the signature of '${options.image}' (${info.manifest.name}); it runs unverified`);
    } else if (signed.name !== info.manifest.name || !sameFile(signed.identity, info.identity)) {
      throw new RunError(`image '${options.image}' changed while it was being checked`);
    }
    checkPlatform(info.manifest);

    const cache = await openCache(environment.cacheDir ?? cacheDir());
    await sweepAbandoned(cache.images, stagingOwner);
    await sweepAbandoned(cache.runs, runOwner);
    const unpacked = await ensureUnpacked(options.image, info, cache.images, { handle: image, signal });
    await image.close();
    image = undefined;

    runDir = await mkdtemp(join(cache.runs, `run-${process.pid}-`));
    const dir = runDir;
    const planFor = (runRoot: RunRoot): Promise<RunPlan> =>
      planRun({ manifest: info.manifest, options, runRoot, volumesDir: join(dir, "volumes"), hostname: `nix2aci-${randomBytes(4).toString("hex")}` });
    let plan = await planFor((await prepareOverlay(unpacked.rootfs, dir)) ?? (await copyRunRoot(unpacked.rootfs, join(dir, "copy"), signal)));
    for (const message of plan.warnings) warn(message);
    await makeEmptyVolumes(plan);
    environment.onPlan?.(plan);
    const start = async (command: readonly string[], describe: string, interactive: boolean, say: (message: string) => void): Promise<number> => {
      try {
        return await launch(plan, { interactive, command, describe, signals, warn: say });
      } catch (error) {
        if (!(error instanceof OverlayRefused)) throw error;
        warn(`the kernel would not mount this run's overlay (${error.message}); copying the image's root instead`);
        plan = await planFor(await copyRunRoot(unpacked.rootfs, join(dir, "copy"), signal));
        return launch(plan, { interactive, command, describe, signals, warn: say });
      }
    };
    // rkt: a failing pre-start handler stops the app; post-stop runs whatever the app did.
    if (plan.preStart !== undefined) {
      const code = await start(plan.preStart, "pre-start event handler", false, () => undefined);
      if (code !== 0) throw new RunError(`the pre-start event handler ${JSON.stringify(plan.preStart)} exited ${code}: the app was not started`);
    }
    const code = await start(plan.command, "app", options.interactive, warn);
    if (plan.postStop !== undefined) {
      try {
        const stopCode = await start(plan.postStop, "post-stop event handler", false, () => undefined);
        if (stopCode !== 0) warn(`the post-stop event handler ${JSON.stringify(plan.postStop)} exited ${stopCode}`);
      } catch (error) {
        warn(`the post-stop event handler did not run: ${asRunError(error).message}`);
      }
    }
    return code;
  } catch (error) {
    // Whatever failed while a signal stopped the preparation, the interruption is the story.
    if (signal.aborted) throw signal.reason;
    throw asRunError(error);
  } finally {
    signals.finish();
    await image?.close();
    if (runDir !== undefined) await removeTree(runDir);
    signals.dispose();
  }
}
