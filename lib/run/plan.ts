/**
 * Turns a manifest plus rkt-style options into one bubblewrap invocation: who runs (uid, gid,
 * supplementary groups), with which environment, in which directory, with which mounts and
 * capabilities. Everything the sandbox needs is decided here, before anything starts, so a bad
 * request fails with a message instead of a half-started container.
 */
import { stat } from "node:fs/promises";
import { posix } from "node:path";
import { isUnderNixStore, type ImageManifest, type MountPoint } from "../image/index.js";
import type { RunOptions } from "./args.js";
import { RunError } from "./errors.js";
import { resolveIdentity } from "./identity.js";
import { planIsolators } from "./isolators.js";
import { resolveInContainer, type ContainerView } from "./root-paths.js";
import type { RunRoot } from "./run-root.js";
import type { Volume } from "./volumes.js";

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface EmptyVolumeDir {
  readonly name: string;
  readonly hostDir: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

export interface RunPlan {
  readonly uid: number;
  readonly gid: number;
  readonly supplementaryGids: readonly number[];
  readonly command: readonly string[];
  readonly env: ReadonlyMap<string, string>;
  readonly workingDirectory: string;
  readonly emptyVolumes: readonly EmptyVolumeDir[];
  /** bwrap arguments up to (not including) `--` and the command; user namespace flags excluded. */
  readonly sandboxArgs: readonly string[];
  /** app.eventHandlers: run in the same sandbox setup before / after the app, as rkt does. */
  readonly preStart?: readonly string[];
  readonly postStop?: readonly string[];
  readonly warnings: readonly string[];
}

export interface PlanInput {
  readonly manifest: ImageManifest;
  readonly options: RunOptions;
  readonly runRoot: RunRoot;
  /** Host directory for this run's empty volumes. */
  readonly volumesDir: string;
  readonly hostname: string;
  readonly hostEnv?: NodeJS.ProcessEnv;
}

interface Bind {
  readonly target: string;
  readonly source: string;
  readonly readOnly: boolean;
}

function normalizeTarget(path: string, what: string): string {
  if (!path.startsWith("/")) throw new RunError(`${what} '${path}': must be an absolute path`);
  const normalized = posix.normalize(path).replace(/\/+$/, "");
  if (normalized === "" || normalized === "/") throw new RunError(`${what} '${path}': cannot mount over /`);
  return normalized;
}

async function planMounts(
  manifest: ImageManifest,
  options: RunOptions,
  volumesDir: string,
): Promise<{ binds: Bind[]; emptyVolumes: EmptyVolumeDir[]; warnings: string[] }> {
  const volumes = new Map<string, Volume>(options.volumes.map((v) => [v.name, v]));
  const used = new Set<string>();
  const binds: Bind[] = [];
  const emptyVolumes = new Map<string, EmptyVolumeDir>();
  const missingStore: MountPoint[] = [];

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

  for (const mountPoint of manifest.app?.mountPoints ?? []) {
    const target = normalizeTarget(mountPoint.path, `mountPoint '${mountPoint.name}' path`);
    const volume = volumes.get(mountPoint.name);
    if (volume === undefined) {
      if (isUnderNixStore(target)) {
        missingStore.push(mountPoint);
        continue;
      }
      // rkt: a mountPoint without a volume gets a fresh empty one.
      binds.push({ target, source: emptyDir(mountPoint.name, 0o755, 0, 0), readOnly: mountPoint.readOnly === true });
      continue;
    }
    used.add(volume.name);
    binds.push({ target, source: await sourceOf(volume), readOnly: volume.readOnly || mountPoint.readOnly === true });
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
    binds.push({ target: normalizeTarget(mount.target, "--mount target"), source: await sourceOf(volume), readOnly: volume.readOnly });
  }
  const warnings = options.volumes
    .filter((volume) => !used.has(volume.name))
    .map((volume) => `--volume '${volume.name}' is not used: the image has no mountPoint of that name and no --mount names it`);
  // Parents before children, so /data/sub lands inside /data rather than under it.
  binds.sort((a, b) => a.target.split("/").length - b.target.split("/").length || a.target.localeCompare(b.target));
  return { binds, emptyVolumes: [...emptyVolumes.values()], warnings };
}

function environment(input: PlanInput, home: string, userName: string | undefined): Map<string, string> {
  const { manifest, options } = input;
  const hostEnv = input.hostEnv ?? process.env;
  const env = new Map<string, string>();
  env.set("PATH", DEFAULT_PATH);
  env.set("HOME", home);
  if (userName !== undefined) {
    env.set("USER", userName);
    env.set("LOGNAME", userName);
  }
  env.set("AC_APP_NAME", manifest.name.split("/").at(-1) ?? manifest.name);
  if (options.interactive && hostEnv["TERM"] !== undefined) env.set("TERM", hostEnv["TERM"]);
  if (options.inheritEnv) {
    for (const [name, value] of Object.entries(hostEnv)) if (value !== undefined) env.set(name, value);
  }
  for (const { name, value } of manifest.app?.environment ?? []) env.set(name, value);
  for (const [name, value] of options.setEnv) env.set(name, value);
  return env;
}

export async function planRun(input: PlanInput): Promise<RunPlan> {
  const { manifest, options, runRoot } = input;
  const app = manifest.app;
  if (app === undefined) throw new RunError(`image '${manifest.name}' has no app section: there is nothing to run`);
  const exec = options.exec !== undefined ? [options.exec] : app.exec;
  if (exec === undefined || exec.length === 0) {
    throw new RunError(`image '${manifest.name}' has no app.exec: give one with --exec`);
  }
  const command = [...exec, ...options.args];

  const { binds, emptyVolumes, warnings: mountWarnings } = await planMounts(manifest, options, input.volumesDir);
  const viewBinds = new Map<string, string>();
  if (runRoot.pristineStore !== undefined) viewBinds.set("/nix/store", runRoot.pristineStore);
  for (const bind of binds) viewBinds.set(bind.target, bind.source);
  const view: ContainerView = { root: runRoot.root, binds: viewBinds };

  const identity = await resolveIdentity(view, options.user ?? app.user, options.group ?? app.group);
  const executable = command[0] ?? "";
  if (executable.startsWith("/") && (await resolveInContainer(view, executable)) === undefined) {
    throw new RunError(`exec '${executable}' does not exist in image '${manifest.name}'`);
  }
  const workingDirectory = options.workingDir ?? app.workingDirectory ?? "/";
  const isolators = planIsolators(app.isolators ?? []);

  const env = environment(input, identity.user?.home ?? (identity.uid === 0 ? "/root" : "/"), identity.user?.name);
  const args: string[] = [
    "--die-with-parent",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    ...(options.net === "none" ? ["--unshare-net"] : []),
    "--hostname",
    input.hostname,
    "--bind",
    runRoot.root,
    "/",
    ...(runRoot.pristineStore !== undefined ? ["--ro-bind", runRoot.pristineStore, "/nix/store"] : []),
    "--proc",
    "/proc",
    "--dev",
    "/dev",
  ];
  for (const bind of binds) args.push(bind.readOnly ? "--ro-bind" : "--bind", bind.source, bind.target);
  args.push("--chdir", workingDirectory, "--clearenv");
  for (const [name, value] of env) args.push("--setenv", name, value);
  // A root app keeps exactly its capability set; any other uid gets none (bwrap's default).
  if (identity.uid === 0) {
    args.push("--cap-drop", "ALL");
    for (const cap of isolators.capabilities) args.push("--cap-add", cap);
  }
  const handlers = app.eventHandlers ?? [];
  const preStart = handlers.find((h) => h.name === "pre-start")?.exec;
  const postStop = handlers.find((h) => h.name === "post-stop")?.exec;
  const socketActivated = (app.ports ?? []).filter((p) => p.socketActivated === true).map((p) => p.name);
  const portWarnings =
    socketActivated.length > 0 ? [`socket activation is not supported: ports ${socketActivated.join(", ")} are left to the app to open (host network)`] : [];

  const gids = app.supplementaryGIDs ?? [];
  return {
    uid: identity.uid,
    gid: identity.gid,
    supplementaryGids: [...new Set(gids)],
    command,
    env,
    workingDirectory,
    emptyVolumes,
    sandboxArgs: args,
    ...(preStart === undefined ? {} : { preStart }),
    ...(postStop === undefined ? {} : { postStop }),
    warnings: [...mountWarnings, ...isolators.warnings, ...portWarnings],
  };
}
