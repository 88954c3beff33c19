/**
 * What gets mounted where, in two steps.
 *
 * `planMounts` (once per run) pairs the manifest's mountPoints and `--mount`s with volumes, as rkt
 * does: a `--volume` by name (read-only if either side says so), an empty volume for a mountPoint
 * without one, a refusal for a thin image's store paths without their host volumes.
 *
 * `prepareMounts` (before every launch, since a pre-start handler may have changed the root)
 * resolves each target inside the run's root (in-root.ts), creates missing mount points there, and
 * returns host-side targets free of symlinks. The mounts themselves are made by a bubblewrap
 * outside the app's user namespace (sandbox.ts), so the kernel locks them: an app that keeps
 * CAP_SYS_ADMIN can neither remount a read-only one writable nor unmount one to see beneath.
 */
import { stat } from "node:fs/promises";
import { join, posix } from "node:path";
import { isUnderNixStore, type ImageManifest, type MountPoint } from "../image/index.js";
import type { RunOptions } from "./args.js";
import { RunError } from "./errors.js";
import { resolveInRoot, type ContainerView, type ViewBind } from "./in-root.js";
import type { Volume } from "./volumes.js";

export interface EmptyVolumeDir {
  readonly name: string;
  readonly hostDir: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

export interface PlannedMount {
  /** Container path as requested (absolute, normalized as text; symlinks resolved at launch). */
  readonly target: string;
  readonly source: string;
  readonly readOnly: boolean;
  /** Names the mount in messages: `mountPoint 'data'`, `--mount volume=x`. */
  readonly describe: string;
  /** What the source is, for messages about creating mount points in it. */
  readonly what: string;
}

export interface MountPlan {
  readonly mounts: readonly PlannedMount[];
  readonly emptyVolumes: readonly EmptyVolumeDir[];
  /** Writable mountPoints that got rkt's implicit empty volume (root-owned, 0755). */
  readonly implicitEmpty: readonly MountPoint[];
  readonly warnings: readonly string[];
}

function normalizeTarget(path: string, what: string): string {
  if (!path.startsWith("/")) throw new RunError(`${what} '${path}': must be an absolute path`);
  const normalized = posix.normalize(path).replace(/\/+$/, "");
  if (normalized === "" || normalized === "/") throw new RunError(`${what} '${path}': cannot mount over /`);
  return normalized;
}

/**
 * A non-root app cannot write to the root-owned empty volume rkt's rule gives a mountPoint without
 * a volume: say so before it fails with "Permission denied", and how to give it one it owns.
 */
export function implicitEmptyWarnings(implicitEmpty: readonly MountPoint[], uid: number, gid: number): string[] {
  if (uid === 0) return [];
  return implicitEmpty.map(
    (mountPoint) =>
      `mountPoint '${mountPoint.name}' (${mountPoint.path}) has no volume, so it gets an empty one owned by root that the app (uid ${uid}) cannot write; ` +
      `give it one: --volume ${mountPoint.name},kind=empty,uid=${uid},gid=${gid} (or kind=host,source=DIR)`,
  );
}

export async function planMounts(manifest: ImageManifest, options: RunOptions, volumesDir: string): Promise<MountPlan> {
  const volumes = new Map<string, Volume>(options.volumes.map((v) => [v.name, v]));
  const used = new Set<string>();
  const mounts: PlannedMount[] = [];
  const emptyVolumes = new Map<string, EmptyVolumeDir>();
  const missingStore: MountPoint[] = [];
  const implicitEmpty: MountPoint[] = [];

  const emptyDir = (name: string, mode: number, uid: number, gid: number): string => {
    const existing = emptyVolumes.get(name);
    if (existing !== undefined) return existing.hostDir;
    const hostDir = posix.join(volumesDir, name);
    emptyVolumes.set(name, { name, hostDir, mode, uid, gid });
    return hostDir;
  };
  const sourceOf = async (volume: Volume): Promise<string> => {
    if (volume.kind === "empty") return emptyDir(volume.name, volume.mode, volume.uid, volume.gid);
    try {
      await stat(volume.source);
    } catch {
      throw new RunError(`volume '${volume.name}': source '${volume.source}' does not exist on this host`);
    }
    return volume.source;
  };
  const what = (volume: Volume | undefined, name: string, readOnly: boolean) =>
    `${readOnly ? "read-only " : ""}${volume?.kind === "host" ? "host " : "empty "}volume '${name}'`;

  for (const mountPoint of manifest.app?.mountPoints ?? []) {
    const describe = `mountPoint '${mountPoint.name}'`;
    const target = normalizeTarget(mountPoint.path, `${describe} path`);
    const volume = volumes.get(mountPoint.name);
    if (volume === undefined) {
      if (isUnderNixStore(target)) {
        missingStore.push(mountPoint);
        continue;
      }
      // rkt: a mountPoint without a volume gets a fresh empty one.
      const readOnly = mountPoint.readOnly === true;
      if (!readOnly) implicitEmpty.push(mountPoint);
      mounts.push({ target, source: emptyDir(mountPoint.name, 0o755, 0, 0), readOnly, describe, what: what(undefined, mountPoint.name, readOnly) });
      continue;
    }
    used.add(volume.name);
    const readOnly = volume.readOnly || mountPoint.readOnly === true;
    mounts.push({ target, source: await sourceOf(volume), readOnly, describe, what: what(volume, volume.name, readOnly) });
  }
  if (missingStore.length > 0) {
    const names = missingStore.map((mp) => `${mp.name} (${mp.path})`).join(", ");
    throw new RunError(
      `thin image '${manifest.name}' needs host store paths as volumes, missing: ${names}; ` +
        `pass the flags of the image's .mounts file: nix2aci run $(cat IMAGE.mounts) IMAGE.aci`,
    );
  }
  for (const mount of options.mounts) {
    const volume = volumes.get(mount.volume);
    if (volume === undefined) throw new RunError(`--mount volume=${mount.volume}: no --volume named '${mount.volume}'`);
    used.add(volume.name);
    const describe = `--mount volume=${mount.volume}`;
    mounts.push({
      target: normalizeTarget(mount.target, "--mount target"),
      source: await sourceOf(volume),
      readOnly: volume.readOnly,
      describe,
      what: what(volume, volume.name, volume.readOnly),
    });
  }
  const warnings = options.volumes
    .filter((volume) => !used.has(volume.name))
    .map((volume) => `--volume '${volume.name}' is not used: the image has no mountPoint of that name and no --mount names it`);
  // Parents before children, so /data/sub lands inside /data rather than under it.
  mounts.sort((a, b) => a.target.split("/").length - b.target.split("/").length || a.target.localeCompare(b.target));
  return { mounts, emptyVolumes: [...emptyVolumes.values()], implicitEmpty, warnings };
}

/** A mount made from outside the app's namespaces: `source` onto a host path inside the run's root. */
export interface PreparedMount {
  readonly source: string;
  readonly hostTarget: string;
  readonly readOnly: boolean;
}

export interface PreparedFilesystem {
  readonly mounts: readonly PreparedMount[];
  /** Canonical container paths where bwrap mounts /proc and /dev. */
  readonly proc: string;
  readonly dev: string;
  /** The container as it will look, for resolving the working directory and the program. */
  readonly view: ContainerView;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path)).isDirectory();
}

/**
 * Resolves and creates every mount point inside the run's own root, parents first, each seen
 * through the mounts before it. `lookRoot` is where we see that root (an overlay is mounted only
 * in the sandbox's namespace: /proc/PID/root/…), `mountRoot` where the mounts go. Nothing of the
 * image may run while this happens.
 */
export async function prepareMounts(lookRoot: string, mountRoot: string, mounts: readonly PlannedMount[]): Promise<PreparedFilesystem> {
  const binds = new Map<string, ViewBind>();
  const view: ContainerView = { root: lookRoot, binds };
  const prepared: PreparedMount[] = [];
  for (const mount of mounts) {
    const what = `${mount.describe} path '${mount.target}'`;
    const sourceIsDirectory = await isDirectory(mount.source).catch(() => {
      throw new RunError(`${mount.describe}: source '${mount.source}' does not exist on this host`);
    });
    const resolved = await resolveInRoot(view, mount.target, what, sourceIsDirectory ? "directory" : "file");
    if (resolved === undefined) throw new RunError(`${what}: cannot be created in the image`);
    if (resolved.containerPath === "/") throw new RunError(`${what}: resolves to '/' in the image; cannot mount over /`);
    if ((await isDirectory(resolved.hostPath)) !== sourceIsDirectory) {
      throw new RunError(
        `${what}: '${resolved.containerPath}' is a ${sourceIsDirectory ? "file" : "directory"} in the image, ` +
          `but ${mount.what} is a ${sourceIsDirectory ? "directory" : "file"}`,
      );
    }
    binds.set(resolved.containerPath, { source: mount.source, ...(mount.readOnly ? { readOnly: mount.what } : {}) });
    prepared.push({ source: mount.source, hostTarget: join(mountRoot, resolved.containerPath), readOnly: mount.readOnly });
  }
  const special = async (path: string): Promise<string> => {
    const resolved = await resolveInRoot(view, path, `the sandbox's ${path}`, "directory");
    if (resolved === undefined || !(await isDirectory(resolved.hostPath))) {
      throw new RunError(`the image's ${path} is not a directory: the sandbox mounts its own ${path} there`);
    }
    return resolved.containerPath;
  };
  return { mounts: prepared, proc: await special("/proc"), dev: await special("/dev"), view };
}
