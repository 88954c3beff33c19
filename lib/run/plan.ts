/**
 * Turns a manifest plus rkt-style options into what the sandbox needs: who runs (uid, gid,
 * supplementary groups), with which environment, in which directory, with which mounts and
 * capabilities. Decided before anything starts, so a bad request fails with a message instead of
 * a half-started container; what depends on the root's contents at launch time (mount points,
 * the program, the working directory) is checked again right before each launch (sandbox.ts).
 */
import type { ImageManifest } from "../image/index.js";
import type { RunOptions } from "./args.js";
import { RunError } from "./errors.js";
import { resolveIdentity } from "./identity.js";
import type { ContainerView } from "./in-root.js";
import { planIsolators } from "./isolators.js";
import { implicitEmptyWarnings, planMounts, type EmptyVolumeDir, type PlannedMount } from "./mounts.js";
import type { OverlayLayers, RunRoot } from "./run-root.js";

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface RunPlan {
  readonly uid: number;
  readonly gid: number;
  readonly supplementaryGids: readonly number[];
  readonly command: readonly string[];
  readonly env: ReadonlyMap<string, string>;
  readonly workingDirectory: string;
  /** The run's own root (host directory that becomes `/`). */
  readonly root: string;
  /** Overlay mode: the layers mounted at `root` for each launch. */
  readonly overlay?: OverlayLayers;
  /** Mounted from outside the app's namespaces before each launch (mounts.ts). */
  readonly mounts: readonly PlannedMount[];
  readonly emptyVolumes: readonly EmptyVolumeDir[];
  /**
   * The app's bwrap arguments that do not depend on the file system (namespaces, hostname,
   * environment, working directory, capabilities); user namespace and mount flags excluded.
   */
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

  const planned = await planMounts(manifest, options, input.volumesDir);
  const storeMount: PlannedMount[] =
    runRoot.pristineStore === undefined
      ? []
      : [{ target: "/nix/store", source: runRoot.pristineStore, readOnly: true, describe: "the image's /nix/store", what: "the image's /nix/store (read-only)" }];
  const mounts = [...storeMount, ...planned.mounts];
  // Volumes are only bound at launch; for looking up users the image's own files are what count.
  const view: ContainerView = {
    root: runRoot.imageRoot,
    binds: new Map(storeMount.map((mount) => [mount.target, { source: mount.source, readOnly: mount.what }])),
  };
  const identity = await resolveIdentity(view, options.user ?? app.user, options.group ?? app.group);
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
    "--chdir",
    workingDirectory,
    "--clearenv",
  ];
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
    root: runRoot.root,
    ...(runRoot.overlay === undefined ? {} : { overlay: runRoot.overlay }),
    mounts,
    emptyVolumes: planned.emptyVolumes,
    sandboxArgs: args,
    ...(preStart === undefined ? {} : { preStart }),
    ...(postStop === undefined ? {} : { postStop }),
    warnings: [...planned.warnings, ...implicitEmptyWarnings(planned.implicitEmpty, identity.uid, identity.gid), ...isolators.warnings, ...portWarnings],
  };
}
