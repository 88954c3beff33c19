/**
 * Finds files of the container's filesystem from the host, before it runs: a container path is
 * resolved the way the kernel will inside the sandbox (absolute symlinks restart at the
 * container's root, `..` stops at it), through the rootfs and any bind mounts laid over it.
 * Nothing is ever looked up outside those trees.
 */
import { lstat, readlink } from "node:fs/promises";
import { join, posix } from "node:path";

export interface ContainerView {
  /** Host directory that becomes `/`. */
  readonly root: string;
  /** Container path -> host directory bound there (volumes, the store). */
  readonly binds: ReadonlyMap<string, string>;
}

/** The host path behind a normalized container path, by the longest bind prefix. */
function hostPathOf(view: ContainerView, containerPath: string): string {
  let best: string | undefined;
  for (const target of view.binds.keys()) {
    if (containerPath === target || containerPath.startsWith(`${target}/`)) {
      if (best === undefined || target.length > best.length) best = target;
    }
  }
  if (best === undefined) return join(view.root, containerPath);
  return join(view.binds.get(best) ?? "", containerPath.slice(best.length));
}

const MAX_SYMLINKS = 40;

/** The host path of a container path after following symlinks, or undefined if it does not exist. */
export async function resolveInContainer(view: ContainerView, path: string): Promise<string | undefined> {
  let pending = path.split("/").filter((part) => part.length > 0);
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() ?? "";
    if (part === ".") continue;
    if (part === "..") {
      resolved.pop();
      continue;
    }
    const containerPath = posix.join("/", ...resolved, part);
    const host = hostPathOf(view, containerPath);
    let isLink: boolean;
    try {
      isLink = (await lstat(host)).isSymbolicLink();
    } catch {
      return undefined;
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINKS) return undefined;
    const target = await readlink(host);
    if (target.startsWith("/")) resolved.length = 0;
    pending = [...target.split("/").filter((p) => p.length > 0), ...pending];
  }
  return hostPathOf(view, posix.join("/", ...resolved));
}
