/**
 * What a run may not change on the host: a folder tree compared before and after (every entry's
 * type, mode, owner, size, mtime, link target and file bytes), and what a run may not leave
 * behind (run roots, partial unpacks, mounts in the host's namespace).
 */
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

export type TreeSnapshot = Record<string, string>;

/** Every entry under `dir` (itself included, as "."), described; `skip`: relative paths left out. */
export function snapshot(dir: string, skip: readonly string[] = []): TreeSnapshot {
  const result: TreeSnapshot = {};
  const visit = (path: string, rel: string): void => {
    const info = lstatSync(path);
    const common = `mode=${(info.mode & 0o177777).toString(8)} owner=${info.uid}:${info.gid} mtime=${info.mtimeMs}`;
    if (info.isSymbolicLink()) result[rel] = `link -> ${readlinkSync(path)} ${common}`;
    else if (info.isFile()) result[rel] = `file ${info.size} ${createHash("sha256").update(readFileSync(path)).digest("hex")} ${common}`;
    else if (info.isDirectory()) {
      result[rel] = `dir ${common}`;
      for (const name of readdirSync(path).sort()) {
        const child = rel === "." ? name : `${rel}/${name}`;
        if (!skip.includes(child)) visit(join(path, name), child);
      }
    } else result[rel] = `other ${common}`;
  };
  if (existsSync(dir)) visit(dir, ".");
  return result;
}

/** What a finished run left in the cache and the host's mount table; [] when nothing. */
export function leftovers(cacheDir: string, hostPaths: readonly string[] = [cacheDir]): string[] {
  const found: string[] = [];
  const runs = join(cacheDir, "runs");
  if (existsSync(runs)) found.push(...readdirSync(runs).map((name) => `run root ${name}`));
  const images = join(cacheDir, "images");
  if (existsSync(images)) found.push(...readdirSync(images).filter((name) => name.startsWith(".")).map((name) => `partial unpack ${name}`));
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    if (hostPaths.some((path) => line.includes(path))) found.push(`mount ${line}`);
  }
  return found;
}

/** Host pids whose command line contains `token` (to show that a run's processes are gone). */
export function processesWith(token: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").includes(token)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
