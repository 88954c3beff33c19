/**
 * Paths of the container, resolved from the host before anything of the image runs, the way
 * openat2(RESOLVE_IN_ROOT) would: one component at a time, never following a symlink on the host
 * (lstat + readlink), an absolute symlink target restarting at the container's root, through the
 * bind mounts laid over the root. A `..` that would climb above the root is refused rather than
 * clamped: no honest image needs it, and it is how a path is made to look inside while it is not.
 * The result is a canonical container path without symlinks: handed to mount or bwrap, it cannot
 * be re-resolved against the host.
 */
import { constants } from "node:fs";
import { lstat, mkdir, open, readlink, stat } from "node:fs/promises";
import { join, posix } from "node:path";
import { RunError } from "./errors.js";

/** A host file or directory mounted at a container path. */
export interface ViewBind {
  /** Host path (a user-given volume source may itself be a symlink: it is followed, as bwrap does). */
  readonly source: string;
  /** Set when nothing may be created under it: says what it is, for messages. */
  readonly readOnly?: string;
}

export interface ContainerView {
  /** Host directory that becomes `/` (the run's own root). */
  readonly root: string;
  /** Canonical container path -> what is mounted there. */
  readonly binds: ReadonlyMap<string, ViewBind>;
}

export interface InRootPath {
  /** Canonical container path: absolute, normalized, no symlink anywhere in it. */
  readonly containerPath: string;
  /** Where that is on the host, through the binds. */
  readonly hostPath: string;
}

export type Create = "directory" | "file";

/** The longest bind covering a container path, if any. */
function bindOf(view: ContainerView, containerPath: string): [string, ViewBind] | undefined {
  let best: [string, ViewBind] | undefined;
  for (const entry of view.binds) {
    const [target] = entry;
    if (containerPath === target || containerPath.startsWith(`${target}/`)) {
      if (best === undefined || target.length > best[0].length) best = entry;
    }
  }
  return best;
}

function hostPathOf(view: ContainerView, containerPath: string): string {
  const bind = bindOf(view, containerPath);
  if (bind === undefined) return join(view.root, containerPath);
  return join(bind[1].source, containerPath.slice(bind[0].length));
}

const MAX_SYMLINKS = 40;

type Kind = "directory" | "symlink" | "other" | "missing";

async function kindOf(view: ContainerView, containerPath: string, host: string, what: string): Promise<Kind> {
  try {
    // A bind's own source is a host path the user gave: follow it, as the mount will.
    const info = view.binds.has(containerPath) ? await stat(host) : await lstat(host);
    if (info.isSymbolicLink()) return "symlink";
    return info.isDirectory() ? "directory" : "other";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "missing";
    throw new RunError(`${what}: cannot look up '${containerPath}' in the image: ${(error as Error).message}`);
  }
}

async function createAt(view: ContainerView, containerPath: string, host: string, kind: Create, what: string): Promise<void> {
  const bind = bindOf(view, containerPath);
  if (bind?.[1].readOnly !== undefined) {
    throw new RunError(`${what}: '${containerPath}' does not exist in ${bind[1].readOnly}, and nothing can be created there`);
  }
  if (kind === "directory") {
    await mkdir(host, { mode: 0o755 }); // mkdir never follows a symlink in its last component
    return;
  }
  const handle = await open(host, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  await handle.close();
}

/**
 * Resolves `path` (absolute) in the container. A missing component makes the result undefined,
 * unless `create` says to make it (directories on the way, then a directory or an empty file).
 * Throws a RunError, naming `what`, when the path climbs above the root, loops, or passes through
 * something that is not a directory.
 */
export async function resolveInRoot(view: ContainerView, path: string, what: string, create?: Create): Promise<InRootPath | undefined> {
  if (!path.startsWith("/")) throw new RunError(`${what}: '${path}' is not an absolute path`);
  let pending = path.split("/").filter((part) => part.length > 0 && part !== ".");
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() ?? "";
    if (part === ".") continue;
    if (part === "..") {
      if (resolved.length === 0) throw new RunError(`${what}: resolving '${path}' in the image climbs above its root ('..' at '/')`);
      resolved.pop();
      continue;
    }
    const containerPath = posix.join("/", ...resolved, part);
    const host = hostPathOf(view, containerPath);
    let kind = await kindOf(view, containerPath, host, what);
    const last = pending.length === 0;
    if (kind === "missing") {
      if (create === undefined) return undefined;
      await createAt(view, containerPath, host, last ? create : "directory", what);
      kind = last && create === "file" ? "other" : "directory";
    }
    if (kind === "symlink") {
      if (++hops > MAX_SYMLINKS) throw new RunError(`${what}: resolving '${path}' in the image follows more than ${MAX_SYMLINKS} symlinks`);
      const target = await readlink(host);
      if (target.startsWith("/")) resolved.length = 0;
      pending = [...target.split("/").filter((p) => p.length > 0 && p !== "."), ...pending];
      continue;
    }
    if (kind !== "directory" && !last) {
      throw new RunError(`${what}: '${containerPath}' is not a directory in the image (resolving '${path}')`);
    }
    resolved.push(part);
  }
  const containerPath = posix.join("/", ...resolved);
  return { containerPath, hostPath: hostPathOf(view, containerPath) };
}
