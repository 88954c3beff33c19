/**
 * Each run's own writable root, thrown away afterwards, over the cached tree that no run may change.
 *
 * - **overlay** (the normal case): kernel overlayfs with the cached rootfs as its read-only lower
 *   layer and an upper and work directory of the run's own. Nothing is copied, so a run of any size
 *   starts at once; the app's writes land in the upper directory (a write to /nix/store too, as in
 *   rkt's overlay). The sandbox mounts it (sandbox.ts): as root in a mount namespace of its own, and
 *   without root in a user namespace of its own (Linux 5.11+ lets overlayfs be mounted there, so no
 *   FUSE daemon such as fuse-overlayfs is needed).
 * - **copy** (when the kernel or the cache's file system refuses overlayfs): a `cp -a
 *   --reflink=auto` copy of the rootfs, except `nix/store`, mounted read-only from the cache (store
 *   paths are immutable by design and are nearly all of a fat image's bytes).
 *
 * Either way the cached tree is only ever mounted read-only from outside the app's namespaces, so
 * even an app that keeps CAP_SYS_ADMIN cannot write to it.
 */
import { execFile } from "node:child_process";
import { chmod, chown, lstat, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { RunError } from "./errors.js";

const execFileAsync = promisify(execFile);

export interface OverlayLayers {
  readonly lower: string;
  readonly upper: string;
  readonly work: string;
}

export interface RunRoot {
  /** The directory that becomes `/` (an overlay mount point, or the copy). */
  readonly root: string;
  /** The image's files as the first launch will see them (the lower layer, or the copy). */
  readonly imageRoot: string;
  /** Set in overlay mode: the layers the sandbox mounts at `root`. */
  readonly overlay?: OverlayLayers;
  /** Copy mode: the cached `nix/store` to mount read-only at /nix/store, when the image has one. */
  readonly pristineStore?: string;
}

/** mkdir with the mode and owner of an existing directory. */
async function mkdirLike(model: string, path: string): Promise<void> {
  const info = await lstat(model);
  await mkdir(path);
  if (process.getuid?.() === 0) await chown(path, info.uid, info.gid);
  await chmod(path, info.mode & 0o7777);
}

/** Characters that overlayfs' and mount(8)'s option syntax would take apart. */
const UNSAFE_FOR_OPTIONS = /[,:\\\s"']/;

/**
 * Overlay layers for a run in `runDir` (created empty by the caller); undefined when the paths
 * cannot be written into overlayfs' options (the caller then copies).
 */
export async function prepareOverlay(pristineRootfs: string, runDir: string): Promise<RunRoot | undefined> {
  if (UNSAFE_FOR_OPTIONS.test(pristineRootfs) || UNSAFE_FOR_OPTIONS.test(runDir)) return undefined;
  const layers = { lower: pristineRootfs, upper: join(runDir, "upper"), work: join(runDir, "work") };
  // The merged root shows the upper directory's own owner and mode: those of the image's root.
  await mkdirLike(pristineRootfs, layers.upper);
  await mkdir(layers.work, { mode: 0o700 });
  const root = join(runDir, "root");
  await mkdir(root, { mode: 0o700 });
  return { root, imageRoot: pristineRootfs, overlay: layers };
}

async function copyInto(sources: readonly string[], targetDir: string, signal: AbortSignal | undefined): Promise<void> {
  if (sources.length === 0) return;
  try {
    await execFileAsync("cp", ["-a", "--reflink=auto", "--", ...sources, `${targetDir}/`], { maxBuffer: 16 * 1024 * 1024, ...(signal === undefined ? {} : { signal }) });
  } catch (error) {
    if (signal?.aborted === true) throw signal.reason;
    throw new RunError(`cannot copy the image's root for this run: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}`);
  }
}

async function isRealDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Copies the cached rootfs into `root` (to be created), all but its store; `signal` stops the copy. */
export async function copyRunRoot(pristineRootfs: string, root: string, signal?: AbortSignal): Promise<RunRoot> {
  await mkdirLike(pristineRootfs, root);
  const top = await readdir(pristineRootfs);
  const nix = join(pristineRootfs, "nix");
  const store = join(nix, "store");
  if (!(await isRealDirectory(nix)) || !(await isRealDirectory(store))) {
    await copyInto(top.map((name) => join(pristineRootfs, name)), root, signal);
    return { root, imageRoot: root };
  }
  await copyInto(top.filter((name) => name !== "nix").map((name) => join(pristineRootfs, name)), root, signal);
  await mkdirLike(nix, join(root, "nix"));
  const inNix = await readdir(nix);
  await copyInto(inNix.filter((name) => name !== "store").map((name) => join(nix, name)), join(root, "nix"), signal);
  await mkdirLike(store, join(root, "nix", "store"));
  return { root, imageRoot: root, pristineStore: store };
}
