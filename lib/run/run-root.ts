/**
 * Each run's own writable root. bubblewrap 0.8 (Debian 12) has no overlay mounts, and hard-link
 * farms would let writes reach the pristine cache, so the run gets a real copy of the unpacked
 * rootfs (`cp -a --reflink=auto`: copy-on-write clones where the file system can, plain copies
 * elsewhere), thrown away afterwards. The Nix store is the exception: it is bound read-only from
 * the cache instead of copied, since store paths are immutable by design and make up nearly all
 * of a fat image's bytes. It is mounted from outside the app's namespaces (sandbox.ts), so even an
 * app that keeps CAP_SYS_ADMIN cannot remount it writable.
 */
import { execFile } from "node:child_process";
import { lstat, mkdir, readdir, chmod, chown } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { RunError } from "./errors.js";

const execFileAsync = promisify(execFile);

export interface RunRoot {
  /** The writable copy that becomes `/`. */
  readonly root: string;
  /** The cached `nix/store` to bind read-only at /nix/store, when the image has one. */
  readonly pristineStore?: string;
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

/** mkdir with the mode and owner of an existing directory. */
async function mkdirLike(model: string, path: string): Promise<void> {
  const info = await lstat(model);
  await mkdir(path);
  if (process.getuid?.() === 0) await chown(path, info.uid, info.gid);
  await chmod(path, info.mode & 0o7777);
}

async function isRealDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Copies the cached rootfs into `root` (to be created); `signal` stops the copy. */
export async function prepareRunRoot(pristineRootfs: string, root: string, signal?: AbortSignal): Promise<RunRoot> {
  await mkdirLike(pristineRootfs, root);
  const top = await readdir(pristineRootfs);
  const nix = join(pristineRootfs, "nix");
  const store = join(nix, "store");
  if (!(await isRealDirectory(nix)) || !(await isRealDirectory(store))) {
    await copyInto(top.map((name) => join(pristineRootfs, name)), root, signal);
    return { root };
  }
  await copyInto(top.filter((name) => name !== "nix").map((name) => join(pristineRootfs, name)), root, signal);
  await mkdirLike(nix, join(root, "nix"));
  const inNix = await readdir(nix);
  await copyInto(inNix.filter((name) => name !== "store").map((name) => join(nix, name)), join(root, "nix"), signal);
  await mkdirLike(store, join(root, "nix", "store"));
  return { root, pristineStore: store };
}
