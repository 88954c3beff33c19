/** `runImage`: the whole of `nix2aci run`, from an image file (or a stored image) to the app's exit status. */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, type FileHandle } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileIdentity, ImageError, openImageFile, removeTree, sameFile, unpackImage, type FileIdentity, type ImageManifest } from "../image/index.js";
import { trustDir } from "../sign/index.js";
import type { RunOptions } from "./args.js";
import { cacheDir, cacheKey, leftoverOwner, openCache, runOwner, sweepAbandoned, type CacheDirs } from "./cache.js";
import { RunError } from "./errors.js";
import { planRun, type RunPlan } from "./plan.js";
import { checkPlatform } from "./platform.js";
import { terminalProgress, type ProgressFactory } from "./progress.js";
import { findRecord, saveRecord, type FileRecord } from "./records.js";
import { copyRunRoot, prepareOverlay, type RunRoot } from "./run-root.js";
import { isHostRoot, launch, OverlayRefused } from "./sandbox.js";
import { checkImageSignature, recordStillVouches, signatureFileOf, trustedFingerprints, type CheckedSignature } from "./signature.js";
import { RunSignals } from "./signals.js";
import { addSigners, findImage, markUsed, readStoredImage, storedManifest, storeUnpacked } from "./store.js";
import { findTool } from "./tools.js";

export interface RunImageEnvironment {
  /** Defaults: $NIX2ACI_CACHE_DIR / $NIX2ACI_TRUST_DIR or their ~ locations. */
  readonly cacheDir?: string;
  readonly trustDir?: string;
  readonly warn?: (message: string) => void;
  /** Called with the plan just before the sandbox starts (tests, --debug output). */
  readonly onPlan?: (plan: RunPlan) => void;
  /** Progress lines for long work (default: on stderr when it is a terminal). */
  readonly progress?: ProgressFactory;
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

/** The image a run uses: its folder in the store and its manifest. */
interface Source {
  readonly dir: string;
  readonly manifest: ImageManifest;
}

interface Context {
  readonly options: RunOptions;
  readonly dirs: CacheDirs;
  readonly trustDir: string;
  readonly runDir: string;
  readonly signal: AbortSignal;
  readonly warn: (message: string) => void;
  readonly progress: ProgressFactory;
}

async function markRun(context: Context, imageId: string): Promise<void> {
  const key = cacheKey(imageId);
  await markUsed({ key, dir: join(context.dirs.images, key) }, context.runDir).catch(() => undefined);
}

/** The stored image of a file whose ID the record knows, else the file unpacked (and stored) now. */
async function storedOrUnpacked(
  context: Context,
  image: FileHandle,
  knownId: string | undefined,
  identity: FileIdentity,
  signers: readonly string[],
): Promise<{ dir: string; imageId: string }> {
  const { dirs, signal } = context;
  const path = context.options.image;
  if (knownId !== undefined) {
    // Marked before looking, so `image rm` either sees this run or is seen to have removed it.
    await markRun(context, knownId);
    const stored = await readStoredImage(dirs.images, cacheKey(knownId));
    if (stored !== undefined) {
      if (signers.length > 0) await addSigners(stored.dir, signers);
      return { dir: stored.dir, imageId: knownId };
    }
  }
  const progress = context.progress(`unpacking ${basename(path)}`, Number(identity.size));
  const unpacked = await unpackImage(path, dirs.images, "new", {
    handle: image,
    signal,
    ...(knownId === undefined ? {} : { expectedImageId: knownId }),
    ...(progress === undefined ? {} : { onProgress: (done: number) => progress.update(done) }),
  }).finally(() => progress?.finish());
  if (!sameFile(unpacked.info.identity, identity)) {
    await removeTree(unpacked.staging);
    throw new RunError(`image '${path}' changed while it was being read`);
  }
  await markRun(context, unpacked.info.imageId);
  return { dir: await storeUnpacked(dirs.images, unpacked.info, unpacked.staging, signers), imageId: unpacked.info.imageId };
}

/**
 * An image file: trusted (a record of this exact file and signature vouches, or the full check),
 * then found in the store by the file's record, or unpacked in one pass (decompress, hash, check,
 * write) and stored; the record is written for the next run.
 */
async function fromFile(context: Context, image: FileHandle): Promise<Source> {
  const { options, signal } = context;
  const path = options.image;
  const identity = await fileIdentity(image);
  const record = await findRecord(context.dirs.records, identity);
  let checked: CheckedSignature | undefined;
  let verified = record?.verified;
  if (!options.skipSignatureCheck) {
    const signature = await signatureFileOf(path);
    if (!(await recordStillVouches(record, signature, context.trustDir))) {
      checked = await checkImageSignature(path, image, { trustDir: context.trustDir, signal, progress: context.progress });
      verified = checked.verified;
    }
  }
  const signers = checked?.signer === undefined ? [] : [checked.signer];

  const { dir, imageId } = await storedOrUnpacked(context, image, record?.imageId, identity, signers);
  const manifest = await storedManifest(dir);
  if (verified !== undefined && !options.skipSignatureCheck && verified.name !== manifest.name) {
    throw new RunError(`image '${path}' changed while it was being checked (its name was '${verified.name}', now '${manifest.name}')`);
  }
  const next: FileRecord = { identity, imageId, path, ...(verified === undefined ? {} : { verified }) };
  await saveRecord(context.dirs.records, next);
  if (options.skipSignatureCheck) {
    context.warn(`--insecure-options=image: NOT checking the signature of '${path}' (${manifest.name}); it runs unverified`);
  }
  return { dir, manifest };
}

/** An image already in the store, by ID or name: it must have been verified for a key still trusted for its name. */
async function fromStore(context: Context): Promise<Source> {
  const { options, dirs, runDir } = context;
  const found = await findImage(dirs, options.image);
  await markUsed(found, runDir);
  const stored = await readStoredImage(dirs.images, found.key);
  if (stored === undefined) throw new RunError(`image '${options.image}' was removed from the store meanwhile`);
  if (options.skipSignatureCheck) {
    context.warn(`--insecure-options=image: NOT checking that ${stored.imageId.slice(0, 19)} (${stored.name}) was signed by a trusted key`);
  } else {
    const trusted = await trustedFingerprints(stored.name, context.trustDir);
    if (!stored.signers.some((signer) => trusted.includes(signer))) {
      throw new RunError(
        `image ${stored.imageId.slice(0, 19)} (${stored.name}) was not verified with a key trusted for its name ` +
          `(run its .aci file with its signature, or use --insecure-options=image)`,
      );
    }
  }
  return { dir: stored.dir, manifest: await storedManifest(stored.dir) };
}

/**
 * Runs an image; resolves to the app's exit status (128+N when a signal N killed it). IMAGE is a
 * file (`….aci`) or an image in the store (an ID, a name, NAME:VERSION). Every failure of
 * nix2aci itself rejects with a RunError whose `exitStatus` says how to exit.
 */
export async function runImage(options: RunOptions, environment: RunImageEnvironment = {}): Promise<number> {
  const warn = environment.warn ?? ((message: string) => process.stderr.write(`nix2aci run: warning: ${message}\n`));
  findTool("bwrap", "bubblewrap");
  findTool("unshare", "util-linux");
  if (isHostRoot()) findTool("setpriv", "util-linux");
  // A file (rkt: its name ends in .aci), else an image in the store (an ID, a name).
  const isFile = options.image.endsWith(".aci") || existsSync(options.image);
  const signals = new RunSignals();
  const { signal } = signals;
  let image: FileHandle | undefined;
  let runDir: string | undefined;
  try {
    if (isFile && !options.image.endsWith(".aci")) {
      throw new RunError(`'${options.image}': an image file name must end in .aci (as rkt requires)`);
    }
    if (isFile) image = await openImageFile(options.image);
    const dirs = await openCache(environment.cacheDir ?? cacheDir());
    await sweepAbandoned(dirs.images, leftoverOwner);
    await sweepAbandoned(dirs.runs, runOwner);
    runDir = await mkdtemp(join(dirs.runs, `run-${process.pid}-`));
    const context: Context = { options, dirs, trustDir: environment.trustDir ?? trustDir(), runDir, signal, warn, progress: environment.progress ?? terminalProgress() };
    const source = image === undefined ? await fromStore(context) : await fromFile(context, image);
    await image?.close();
    image = undefined;
    checkPlatform(source.manifest);

    const dir = runDir;
    const rootfs = join(source.dir, "rootfs");
    const planFor = (runRoot: RunRoot): Promise<RunPlan> =>
      planRun({ manifest: source.manifest, options, runRoot, volumesDir: join(dir, "volumes"), hostname: `nix2aci-${randomBytes(4).toString("hex")}` });
    let plan = await planFor((await prepareOverlay(rootfs, dir)) ?? (await copyRunRoot(rootfs, join(dir, "copy"), signal)));
    for (const message of plan.warnings) warn(message);
    await makeEmptyVolumes(plan);
    environment.onPlan?.(plan);
    const start = async (command: readonly string[], describe: string, interactive: boolean, say: (message: string) => void): Promise<number> => {
      try {
        return await launch(plan, { interactive, command, describe, signals, warn: say });
      } catch (error) {
        if (!(error instanceof OverlayRefused)) throw error;
        warn(`the kernel would not mount this run's overlay (${error.message}); copying the image's root instead`);
        plan = await planFor(await copyRunRoot(rootfs, join(dir, "copy"), signal));
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
