/**
 * Starts one sandboxed process (the app, or an event handler) and waits for it. Two bubblewraps:
 *
 * - The outer one makes a private mount namespace *outside* the app's user namespace (as root:
 *   owned by the host's; otherwise a user namespace of its own) and mounts the volumes and the
 *   cached store into the run's root there. When the inner bwrap then creates the app's user and
 *   mount namespaces, the kernel copies those mounts as locked: read-only stays read-only and
 *   nothing can be unmounted to uncover what is beneath, even for an app with CAP_SYS_ADMIN.
 *   Every target was resolved inside the image's root beforehand (mounts.ts), so no symlink of
 *   the image can point a mount at the host.
 * - The inner one is the app's sandbox: `--bind ROOT /`, its own /proc and /dev, namespaces,
 *   environment, capabilities. As root, its identity is exact: `setpriv` sets uid, gid and
 *   supplementary groups, bwrap creates the user namespace owned by that uid and blocks
 *   (--userns-block-fd) while we write an identity uid/gid map into it; it mounts with the
 *   namespace's capabilities and drops them before exec. (bwrap's own `--uid` maps one uid onto
 *   root: every root-owned file would belong to the "non-root" app; its `--userns` path dies in
 *   setgid after dropping privileges.) Not as root, bwrap maps the app's uid/gid onto the caller,
 *   with a warning when that changes what the app can see.
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

// File descriptors handed to the bwraps.
const BLOCK_FD = 3; // inner: written once the user namespace map is in place (root only)
const INFO_FD = 4; // inner: {"child-pid": N} (pid 1 of the sandbox) once cloned
const STATUS_FD = 5; // inner: {"exit-code": N} once the program ran and ended
const OUTER_INFO_FD = 6; // outer: {"child-pid": N} once its namespace exists

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

function outerArgs(asRoot: boolean, fs: PreparedFilesystem): string[] {
  const args = [...(asRoot ? [] : ["--unshare-user"]), "--dev-bind", "/", "/", "--die-with-parent", "--info-fd", String(OUTER_INFO_FD)];
  for (const mount of fs.mounts) args.push(mount.readOnly ? "--ro-bind" : "--bind", mount.source, mount.hostTarget);
  return args;
}

function innerArgs(plan: RunPlan, fs: PreparedFilesystem, options: LaunchOptions, asRoot: boolean, warn: (m: string) => void): string[] {
  const bwrap = findTool("bwrap", "bubblewrap");
  const sandbox = [
    "--info-fd", String(INFO_FD), "--json-status-fd", String(STATUS_FD),
    "--bind", plan.root, "/", "--proc", fs.proc, "--dev", fs.dev,
    // Its own session (non-interactive): terminal signals reach only us, and the app's process
    // group is the sandbox's, so a signal forwarded to the group reaches a shell's children too.
    ...(options.interactive ? [] : ["--new-session"]),
    ...plan.sandboxArgs, "--", ...options.command,
  ];
  if (asRoot) {
    const setpriv = findTool("setpriv", "util-linux");
    const groups = plan.supplementaryGids.length > 0 ? ["--groups", plan.supplementaryGids.join(",")] : ["--clear-groups"];
    return [setpriv, "--reuid", String(plan.uid), "--regid", String(plan.gid), ...groups, "--", bwrap, "--unshare-user", "--userns-block-fd", String(BLOCK_FD), ...sandbox];
  }
  if (plan.uid !== 0) {
    // The unpacked image belongs to the caller (no chown without root), and the caller is who uid N is.
    warn(`not running as root: uid ${plan.uid} is mapped onto your own user, so it owns (and can write) every file of the image; other users' files appear as nobody`);
  }
  if (plan.supplementaryGids.length > 0) warn(`not running as root: supplementaryGIDs ${plan.supplementaryGids.join(",")} cannot be set`);
  return [bwrap, "--unshare-user", "--uid", String(plan.uid), "--gid", String(plan.gid), ...sandbox];
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

/** Everything the sandbox will use must be there before it starts: mount points, directory, program. */
async function checkFilesystem(plan: RunPlan, options: LaunchOptions, asRoot: boolean): Promise<PreparedFilesystem> {
  const fs = await prepareMounts(plan.root, plan.mounts);
  const what = `workingDirectory '${plan.workingDirectory}'`;
  const directory = await resolveInRoot(fs.view, plan.workingDirectory, what);
  if (directory === undefined || !(await stat(directory.hostPath)).isDirectory()) {
    throw new RunError(`${what}: no such directory in the image`);
  }
  const program = options.command[0] ?? "";
  await checkExecutable(fs.view, program, plan.env.get("PATH") ?? "", execIdentity(plan, asRoot), `${options.describe} exec`);
  return fs;
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

/** Runs the planned sandbox; resolves to the program's exit status (128+N when killed by signal N). */
export async function launch(plan: RunPlan, options: LaunchOptions): Promise<number> {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`nix2aci run: warning: ${message}\n`));
  const asRoot = isHostRoot();
  const fs = await checkFilesystem(plan, options, asRoot);
  options.signals.check();
  const bwrap = findTool("bwrap", "bubblewrap");
  const inner = innerArgs(plan, fs, options, asRoot, warn);

  const child: ChildProcess = spawn(bwrap, [...outerArgs(asRoot, fs), "--", ...inner], {
    stdio: [options.interactive ? "inherit" : "ignore", "inherit", "inherit", "pipe", "pipe", "pipe", "pipe"],
    env: { PATH: HOST_PATH },
    // Interactive: the app shares our terminal and process group (a shell can take the foreground).
    detached: !options.interactive,
  });
  const pipes = child.stdio as unknown as readonly (Readable | Writable | null)[];
  const blockFd = pipes[BLOCK_FD] as Writable | null;
  blockFd?.on("error", () => undefined);
  const status = collect(pipes[STATUS_FD] as Readable | null);
  const outerInfo = collect(pipes[OUTER_INFO_FD] as Readable | null);

  let sandboxPid: number | undefined;
  let mapFailure: Error | undefined;
  collect(pipes[INFO_FD] as Readable | null, (text) => {
    if (sandboxPid !== undefined) return;
    sandboxPid = pidIn(text);
    if (sandboxPid === undefined || !asRoot) return;
    try {
      writeFileSync(`/proc/${sandboxPid}/uid_map`, FULL_RANGE);
      writeFileSync(`/proc/${sandboxPid}/gid_map`, FULL_RANGE);
      blockFd?.end("1");
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

  const [code, signal] = await options.signals.forwardingTo(forward, () =>
    new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once("error", (error: NodeJS.ErrnoException) => reject(new RunError(`cannot start ${bwrap}: ${error.message}`)));
      child.once("close", (c: number | null, s: NodeJS.Signals | null) => resolve([c, s]));
    }),
  );
  if (mapFailure !== undefined) throw new RunError(`cannot write the sandbox's user namespace map: ${mapFailure.message}`);
  const exited = /"exit-code"\s*:\s*(\d+)/.exec(status.text);
  if (exited !== null) return Number(exited[1]);
  // Killed before it could report (Ctrl-C at the terminal of an interactive run reaches bwrap too).
  if (signal !== null) return 128 + (constants.signals[signal] ?? 0);
  if (code !== null && code > 128) return code;
  if (pidIn(outerInfo.text) === undefined || sandboxPid === undefined) {
    throw new RunError(
      `the sandbox could not be created (bubblewrap exit ${code}; its message is above). ` +
        `Is this process allowed to create user namespaces? (sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone, AppArmor)`,
    );
  }
  throw new RunError(`bubblewrap could not start the ${options.describe} (exit ${code}; its message is above); the ${options.describe} did not run`);
}
