/**
 * Starts one sandboxed process (the app, or an event handler) and waits for it, in three steps:
 *
 * 1. **Setup namespace.** `unshare` makes a private mount namespace outside the app's (as host
 *    root: in the host's user namespace; otherwise in a user namespace of its own), and a small
 *    shell script mounts the run's overlay there, says "ready" and waits. Through
 *    /proc/PID/root we then see the run's root exactly as the sandbox will, and prepare it
 *    (mounts.ts: mount points resolved inside the image and created; the working directory and
 *    the program checked, exec-check.ts) while nothing of the image runs.
 * 2. **Outer bubblewrap** (its options written to it once that is done): mounts the volumes onto
 *    the canonical, symlink-free targets. Made here, outside the app's user namespace, these
 *    mounts (and the overlay) reach the app *locked*: read-only cannot be remounted writable and
 *    nothing can be unmounted to uncover what is beneath, even by an app with CAP_SYS_ADMIN.
 *    A run without volumes skips it (a process less at every start): the overlay is mounted by
 *    the setup namespace, outside the app's user namespace, and so reaches the app locked alike.
 * 3. **Inner bubblewrap**: the app's sandbox, `--bind ROOT /`, its own /proc and /dev, namespaces,
 *    environment, capabilities. As root its identity is exact: `setpriv` sets uid, gid and
 *    supplementary groups, bwrap creates the user namespace owned by that uid and blocks
 *    (--userns-block-fd) while we write an identity uid/gid map into it. (bwrap's own `--uid`
 *    maps one uid onto root: every root-owned file would belong to the "non-root" app; its
 *    `--userns` path dies in setgid after dropping privileges.) Not as root, bwrap maps the app's
 *    uid/gid onto the caller, with a warning when that changes what the app can see.
 *
 * The inner bwrap's `--json-status-fd` reports `exit-code` only once the program was executed:
 * without it, the failure is bubblewrap's (its message is on stderr), never the app's.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";
import { RunError } from "./errors.js";
import { checkExecutable, type ExecIdentity } from "./exec-check.js";
import { resolveInRoot } from "./in-root.js";
import { prepareMounts, type PreparedFilesystem } from "./mounts.js";
import type { RunPlan } from "./plan.js";
import type { RunSignals } from "./signals.js";
import { findTool } from "./tools.js";

const FULL_RANGE = "0 0 4294967295\n";
const HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const OVERFLOW_ID = 65534;

// File descriptors of the launch, all pipes to us.
const BLOCK_FD = 3; // inner bwrap: written once the user namespace map is in place (root only)
const INFO_FD = 4; // inner bwrap: {"child-pid": N} (pid 1 of the sandbox) once cloned
const STATUS_FD = 5; // inner bwrap: {"exit-code": N} once the program ran and ended
const OUTER_INFO_FD = 6; // outer bwrap: {"child-pid": N} once its namespace exists
const READY_FD = 7; // setup script: "ready" once the overlay is mounted
const OUTER_ARGS_FD = 8; // outer bwrap reads its options here (--args)
const MOUNT_ERROR_FD = 9; // setup script: mount(8)'s complaint, if the overlay cannot be mounted
const INNER_ARGS_FD = 10; // inner bwrap reads its options here (--args)
const FD_COUNT = 11;

/** Exit status of the setup script when the kernel refused the overlay (the caller copies instead). */
const OVERLAY_REFUSED = 99;

/** $1..$4: lower, upper, work, mount point (all empty: no overlay); then the outer bwrap's command. */
const SETUP_SCRIPT = [
  `if [ -n "$1" ]; then mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" "$4" 2>&${MOUNT_ERROR_FD} || exit ${OVERLAY_REFUSED}; fi`,
  `echo ready >&${READY_FD}`,
  `exec ${READY_FD}>&- ${MOUNT_ERROR_FD}>&-`,
  "shift 4",
  'exec "$@"',
].join("\n");

/** The kernel (or the cache's file system) would not mount the run's overlay. */
export class OverlayRefused extends Error {
  override readonly name = "OverlayRefused";
}

export interface LaunchOptions {
  readonly interactive: boolean;
  /** What to run in the planned sandbox. */
  readonly command: readonly string[];
  /** Names it in messages: "app", "pre-start event handler". */
  readonly describe: string;
  readonly signals: RunSignals;
  /** Receives warnings (stderr by default). */
  readonly warn?: (message: string) => void;
}

/** The app: the first child of bwrap's reaper inside the pid namespace. */
function appPid(sandboxPid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${sandboxPid}/task/${sandboxPid}/children`, "utf8").trim().split(/\s+/);
    const first = Number(children[0]);
    return Number.isInteger(first) && first > 0 ? first : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Root of the initial user namespace (full uid map): only then can we write arbitrary id maps.
 * Root inside some container's user namespace takes the unprivileged path.
 */
export function isHostRoot(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    return readFileSync("/proc/self/uid_map", "utf8").trim().split(/\s+/).join(" ") === "0 0 4294967295";
  } catch {
    return false;
  }
}

function outerArgs(fs: PreparedFilesystem): string[] {
  const args = ["--dev-bind", "/", "/", "--die-with-parent", "--info-fd", String(OUTER_INFO_FD)];
  for (const mount of fs.mounts) args.push(mount.readOnly ? "--ro-bind" : "--bind", mount.source, mount.hostTarget);
  return args;
}

function innerArgs(plan: RunPlan, fs: PreparedFilesystem, options: LaunchOptions, asRoot: boolean): string[] {
  const user = asRoot ? ["--userns-block-fd", String(BLOCK_FD)] : ["--uid", String(plan.uid), "--gid", String(plan.gid)];
  return [
    "--unshare-user", ...user, "--info-fd", String(INFO_FD), "--json-status-fd", String(STATUS_FD),
    "--bind", plan.root, "/", "--proc", fs.proc, "--dev", fs.dev,
    // Its own session (non-interactive): terminal signals reach only us, and the app's process
    // group is the sandbox's, so a signal forwarded to the group reaches a shell's children too.
    ...(options.interactive ? [] : ["--new-session"]),
    ...plan.sandboxArgs,
  ];
}

/** Whether the plan has volumes to mount, the outer bubblewrap's only work. */
function needsOuter(plan: RunPlan): boolean {
  return plan.mounts.length > 0;
}

/** setup script, then outer bwrap (options from OUTER_ARGS_FD) if needed, then [setpriv] inner bwrap. */
function commandLine(plan: RunPlan, options: LaunchOptions, asRoot: boolean, warn: (m: string) => void): { file: string; args: string[] } {
  const bwrap = findTool("bwrap", "bubblewrap");
  const unshare = findTool("unshare", "util-linux");
  const inner = [bwrap, "--args", String(INNER_ARGS_FD), "--", ...options.command];
  let sandbox = inner;
  if (asRoot) {
    const setpriv = findTool("setpriv", "util-linux");
    const groups = plan.supplementaryGids.length > 0 ? ["--groups", plan.supplementaryGids.join(",")] : ["--clear-groups"];
    sandbox = [setpriv, "--reuid", String(plan.uid), "--regid", String(plan.gid), ...groups, "--", ...inner];
  } else {
    if (plan.uid !== 0) {
      // The unpacked image belongs to the caller (no chown without root), and the caller is who uid N is.
      warn(`not running as root: uid ${plan.uid} is mapped onto your own user, so it owns (and can write) every file of the image; other users' files appear as nobody`);
    }
    if (plan.supplementaryGids.length > 0) warn(`not running as root: supplementaryGIDs ${plan.supplementaryGids.join(",")} cannot be set`);
  }
  const layers = plan.overlay === undefined ? ["", "", "", ""] : [plan.overlay.lower, plan.overlay.upper, plan.overlay.work, plan.root];
  const namespaces = asRoot ? ["--mount", "--propagation", "private"] : ["--user", "--map-root-user", "--mount", "--propagation", "private"];
  return {
    file: unshare,
    args: [...namespaces, "--", "/bin/sh", "-c", SETUP_SCRIPT, "nix2aci-setup", ...layers, ...(needsOuter(plan) ? [bwrap, "--args", String(OUTER_ARGS_FD), "--"] : []), ...sandbox],
  };
}

/** Who the app is for file permission checks, as seen inside the sandbox. */
function execIdentity(plan: RunPlan, asRoot: boolean): ExecIdentity {
  const callerUid = process.getuid?.() ?? -1;
  const callerGid = process.getgid?.() ?? -1;
  return {
    uid: plan.uid,
    gids: [plan.gid, ...(asRoot ? plan.supplementaryGids : [])],
    ownerInside: (uid, gid) =>
      asRoot ? { uid, gid } : { uid: uid === callerUid ? plan.uid : OVERFLOW_ID, gid: gid === callerGid ? plan.gid : OVERFLOW_ID },
  };
}

/**
 * Everything the sandbox will use must be there before it starts: mount points, directory,
 * program. `lookRoot` shows the run's root as the sandbox will see it.
 */
async function prepareFilesystem(plan: RunPlan, options: LaunchOptions, asRoot: boolean, lookRoot: string): Promise<PreparedFilesystem> {
  const fs = await prepareMounts(lookRoot, plan.root, plan.mounts);
  const what = `workingDirectory '${plan.workingDirectory}'`;
  const directory = await resolveInRoot(fs.view, plan.workingDirectory, what);
  if (directory === undefined || !(await stat(directory.hostPath)).isDirectory()) {
    throw new RunError(`${what}: no such directory in the image`);
  }
  const program = options.command[0] ?? "";
  await checkExecutable(fs.view, program, plan.env.get("PATH") ?? "", execIdentity(plan, asRoot), `${options.describe} exec`);
  return fs;
}

function collect(stream: Readable | null | undefined, onData: (text: string) => void = () => undefined): { text: string } {
  const sink = { text: "" };
  stream?.setEncoding("utf8").on("data", (chunk: string) => {
    sink.text += chunk;
    onData(sink.text);
  });
  return sink;
}

function pidIn(text: string): number | undefined {
  const match = /"child-pid"\s*:\s*(\d+)/.exec(text);
  return match === null ? undefined : Number(match[1]);
}

function nulSeparated(args: readonly string[]): Buffer {
  return Buffer.from(args.map((arg) => `${arg}\0`).join(""));
}

/** Runs the planned sandbox; resolves to the program's exit status (128+N when killed by signal N). */
export async function launch(plan: RunPlan, options: LaunchOptions): Promise<number> {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`nix2aci run: warning: ${message}\n`));
  const asRoot = isHostRoot();
  options.signals.check();
  const { file, args } = commandLine(plan, options, asRoot, warn);
  const child: ChildProcess = spawn(file, args, {
    stdio: [options.interactive ? "inherit" : "ignore", "inherit", "inherit", ...Array<"pipe">(FD_COUNT - 3).fill("pipe")],
    env: { PATH: HOST_PATH },
    // Interactive: the app shares our terminal and process group (a shell can take the foreground).
    detached: !options.interactive,
  });
  const pipes = child.stdio as unknown as readonly (Readable | Writable | null)[];
  for (const fd of [BLOCK_FD, OUTER_ARGS_FD, INNER_ARGS_FD]) (pipes[fd] as Writable | null)?.on("error", () => undefined);
  const status = collect(pipes[STATUS_FD] as Readable | null);
  const outerInfo = collect(pipes[OUTER_INFO_FD] as Readable | null);
  const mountError = collect(pipes[MOUNT_ERROR_FD] as Readable | null);
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) => reject(new RunError(`cannot start ${file}: ${error.message}`)));
    child.once("close", (code: number | null, signal: NodeJS.Signals | null) => resolve([code, signal]));
  });
  closed.catch(() => undefined);

  let sandboxPid: number | undefined;
  let mapFailure: Error | undefined;
  collect(pipes[INFO_FD] as Readable | null, (text) => {
    if (sandboxPid !== undefined) return;
    sandboxPid = pidIn(text);
    if (sandboxPid === undefined || !asRoot) return;
    try {
      writeFileSync(`/proc/${sandboxPid}/uid_map`, FULL_RANGE);
      writeFileSync(`/proc/${sandboxPid}/gid_map`, FULL_RANGE);
      (pipes[BLOCK_FD] as Writable | null)?.end("1");
    } catch (error) {
      mapFailure = error as Error;
      child.kill("SIGKILL");
    }
  });

  const forward = (signal: NodeJS.Signals): void => {
    try {
      if (sandboxPid === undefined) child.kill(signal);
      // Interactive Ctrl-C / Ctrl-\ reached the app through the terminal already.
      else if (options.interactive) {
        if (signal === "SIGINT" || signal === "SIGQUIT") return;
        const app = appPid(sandboxPid);
        if (app !== undefined) process.kill(app, signal);
      }
      // The sandbox's session: its pid 1 (which ignores it) and the app's whole process group.
      else process.kill(-sandboxPid, signal);
    } catch {
      // Already gone; its exit will be reported.
    }
  };

  return options.signals.forwardingTo(forward, async () => {
    // 1. The setup namespace is ready (or the overlay was refused, or namespaces are not allowed).
    const ready = await new Promise<boolean>((resolve) => {
      (pipes[READY_FD] as Readable | null)?.once("data", () => resolve(true));
      void closed.then(() => resolve(false), () => resolve(false));
    });
    if (!ready) {
      const [code] = await closed;
      if (code === OVERLAY_REFUSED) throw new OverlayRefused(mountError.text.trim() || "mount -t overlay failed");
      throw new RunError(
        `the sandbox could not be created (unshare exit ${code}; its message is above). ` +
          `Is this process allowed to create user and mount namespaces? (sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone, AppArmor)`,
      );
    }
    // 2. Prepare the root as the sandbox will see it, then let the bubblewraps go.
    try {
      const fs = await prepareFilesystem(plan, options, asRoot, `/proc/${child.pid}/root${plan.root}`);
      options.signals.check();
      (pipes[OUTER_ARGS_FD] as Writable | null)?.end(needsOuter(plan) ? nulSeparated(outerArgs(fs)) : undefined);
      (pipes[INNER_ARGS_FD] as Writable | null)?.end(nulSeparated(innerArgs(plan, fs, options, asRoot)));
    } catch (error) {
      child.kill("SIGKILL");
      await closed.catch(() => undefined);
      throw error;
    }
    // 3. The program's status, or bubblewrap's failure.
    const [code, signal] = await closed;
    if (mapFailure !== undefined) throw new RunError(`cannot write the sandbox's user namespace map: ${mapFailure.message}`);
    const exited = /"exit-code"\s*:\s*(\d+)/.exec(status.text);
    if (exited !== null) return Number(exited[1]);
    // Killed before it could report (Ctrl-C at the terminal of an interactive run reaches bwrap too).
    if (signal !== null) return 128 + (constants.signals[signal] ?? 0);
    if (code !== null && code > 128) return code;
    if ((needsOuter(plan) && pidIn(outerInfo.text) === undefined) || sandboxPid === undefined) {
      throw new RunError(
        `the sandbox could not be created (bubblewrap exit ${code}; its message is above). ` +
          `Is this process allowed to create user namespaces? (sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone, AppArmor)`,
      );
    }
    throw new RunError(`bubblewrap could not start the ${options.describe} (exit ${code}; its message is above); the ${options.describe} did not run`);
  });
}
