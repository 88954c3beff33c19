/**
 * The cache: <cache>/images/ (the image store, store.ts), <cache>/records/ (what is known about
 * image files, records.ts) and each run's own folder under <cache>/runs/. <cache> is
 * $NIX2ACI_CACHE_DIR, else $XDG_CACHE_HOME/nix2aci, else ~/.cache/nix2aci. The folders are private
 * (0700, ours): another user must not read an image's files, nor swap a cached tree that runs
 * without its signature being checked again. Leftovers of processes that died (SIGKILL) are swept
 * by the next run.
 */
import { chmod, lstat, mkdir, readdir, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { removeTree, stagingOwner } from "../image/index.js";
import { RunError } from "./errors.js";

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env["NIX2ACI_CACHE_DIR"];
  if (configured !== undefined && configured !== "") return configured;
  const cacheHome = env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
  return join(cacheHome, "nix2aci");
}

/** rkt keys its store on the first 64 hex digits of the sha512; so do we. */
export function cacheKey(imageId: string): string {
  const match = /^sha512-([0-9a-f]{64})[0-9a-f]{64}$/.exec(imageId);
  if (match === null) throw new RunError(`not an image ID: '${imageId}'`);
  return `sha512-${match[1]}`;
}

export interface CacheDirs {
  readonly images: string;
  readonly runs: string;
  readonly records: string;
}

/** A directory of ours, private: created 0700, or checked (owner) and made 0700. */
async function privateDir(path: string, followLink: boolean): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  const info = followLink ? await stat(path) : await lstat(path);
  if (!info.isDirectory()) throw new RunError(`cache folder '${path}' is not a directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new RunError(`cache folder '${path}' belongs to uid ${info.uid}, not to you (uid ${uid}); choose another NIX2ACI_CACHE_DIR`);
  }
  if ((info.mode & 0o077) !== 0) await chmod(path, 0o700);
}

export async function openCache(root: string = cacheDir()): Promise<CacheDirs> {
  try {
    // The top may be a symlink the user made; what is inside is ours alone.
    await privateDir(root, true);
    const dirs = { images: join(root, "images"), runs: join(root, "runs"), records: join(root, "records") };
    await privateDir(dirs.images, false);
    await privateDir(dirs.runs, false);
    await privateDir(dirs.records, false);
    return dirs;
  } catch (error) {
    if (error instanceof RunError) throw error;
    throw new RunError(`cannot use the cache folder '${root}': ${(error as Error).message}`, { cause: error });
  }
}

/** The pid in a run root's name: run-<pid>-<random>. */
export function runOwner(name: string): number | undefined {
  const match = /^run-(\d+)-/.exec(name);
  return match === null ? undefined : Number(match[1]);
}

/** The pid of what left a hidden folder in images/: a partial unpack, or an image being removed. */
export function leftoverOwner(name: string): number | undefined {
  const match = /^\..*\.removing-(\d+)-[0-9a-f]+$/.exec(name);
  return match === null ? stagingOwner(name) : Number(match[1]);
}

/** Whether process `pid` has ended (a pid that was reused counts as alive: its folder is left alone). */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Removes what processes that died without cleaning up (killed hard) left in `dir`. */
export async function sweepAbandoned(dir: string, ownerOf: (name: string) => number | undefined): Promise<void> {
  for (const name of await readdir(dir)) {
    const pid = ownerOf(name);
    if (pid === undefined || pid === process.pid || !isGone(pid)) continue;
    await removeTree(join(dir, name));
  }
}
