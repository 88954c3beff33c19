/**
 * Starts bubblewrap and waits for the app.
 *
 * As root the app's identity is exact: `setpriv` (util-linux) sets uid, gid and supplementary
 * groups, then bwrap creates a user namespace owned by that uid and blocks (--userns-block-fd)
 * while we write an identity uid/gid map into it. bwrap then has full capabilities inside that
 * namespace for the mounts, and drops them before exec: the app runs as its real uid with its
 * real groups, files keep their real owners, and a non-root app cannot write root's files.
 * (bwrap's own `--uid` maps one uid onto the caller, i.e. onto root: every root-owned file would
 * belong to the "non-root" app; and its `--userns` path dies in setgid after dropping privileges.)
 * Not as root, bwrap maps the app's uid/gid onto the caller (the only mapping allowed), with a
 * warning when that changes what the app can see.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";
import { RunError } from "./errors.js";
import type { RunPlan } from "./plan.js";
import { findTool } from "./tools.js";

const FULL_RANGE = "0 0 4294967295\n";
const HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface LaunchOptions {
  readonly interactive: boolean;
  /** What to run in the planned sandbox (default: the app's command). */
  readonly command?: readonly string[];
  /** Receives warnings (stderr by default). */
  readonly warn?: (message: string) => void;
}

interface Started {
  readonly child: ChildProcess;
  /** Host pid of the sandbox's pid 1 (bwrap's reaper); the app is its child. */
  sandboxPid?: number;
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

function commandLine(plan: RunPlan, command: readonly string[], asRoot: boolean, warn: (m: string) => void): { file: string; args: string[] } {
  const bwrap = findTool("bwrap", "bubblewrap");
  const sandboxArgs = [...plan.sandboxArgs, "--", ...command];
  if (asRoot) {
    const setpriv = findTool("setpriv", "util-linux");
    const groups = plan.supplementaryGids.length > 0 ? ["--groups", plan.supplementaryGids.join(",")] : ["--clear-groups"];
    return {
      file: setpriv,
      args: [
        "--reuid", String(plan.uid), "--regid", String(plan.gid), ...groups, "--",
        bwrap, "--unshare-user", "--userns-block-fd", "3", "--info-fd", "4", ...sandboxArgs,
      ],
    };
  }
  if (plan.uid !== 0) {
    // The unpacked image belongs to the caller (no chown without root), and the caller is who uid N is.
    warn(`not running as root: uid ${plan.uid} is mapped onto your own user, so it owns (and can write) every file of the image; other users' files appear as nobody`);
  }
  if (plan.supplementaryGids.length > 0) warn(`not running as root: supplementaryGIDs ${plan.supplementaryGids.join(",")} cannot be set`);
  return {
    file: bwrap,
    args: ["--unshare-user", "--uid", String(plan.uid), "--gid", String(plan.gid), "--info-fd", "4", ...sandboxArgs],
  };
}

function exitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0));
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

/** Runs the planned sandbox; resolves to the app's exit code (128+N when killed by signal N). */
export async function launch(plan: RunPlan, options: LaunchOptions): Promise<number> {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`nix2aci run: warning: ${message}\n`));
  const asRoot = isHostRoot();
  const { file, args } = commandLine(plan, options.command ?? plan.command, asRoot, warn);

  // Interactive: the app shares our terminal and process group (a shell can take the foreground).
  // Otherwise: its own session, so terminal signals reach only us, and we forward them.
  const child = spawn(file, args, {
    stdio: [options.interactive ? "inherit" : "ignore", "inherit", "inherit", "pipe", "pipe"],
    env: { PATH: HOST_PATH },
    detached: !options.interactive,
  });
  const started: Started = { child };
  const blockFd = child.stdio[3] as Writable | null;
  const infoFd = child.stdio[4] as Readable | null;
  blockFd?.on("error", () => undefined);

  let info = "";
  let mapFailure: Error | undefined;
  infoFd?.setEncoding("utf8").on("data", (chunk: string) => {
    info += chunk;
    const match = /"child-pid"\s*:\s*(\d+)/.exec(info);
    if (match === null || started.sandboxPid !== undefined) return;
    started.sandboxPid = Number(match[1]);
    if (!asRoot) return;
    try {
      writeFileSync(`/proc/${started.sandboxPid}/uid_map`, FULL_RANGE);
      writeFileSync(`/proc/${started.sandboxPid}/gid_map`, FULL_RANGE);
      blockFd?.end("1");
    } catch (error) {
      mapFailure = error as Error;
      child.kill("SIGKILL");
    }
  });

  const forward = (signal: NodeJS.Signals): void => {
    const target = started.sandboxPid === undefined ? undefined : appPid(started.sandboxPid);
    try {
      if (target !== undefined) process.kill(target, signal);
      else child.kill(signal);
    } catch {
      // The app is already gone; its exit will be reported.
    }
  };
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const) {
    // Interactive Ctrl-C / Ctrl-\ already reach the app through the terminal: just stay alive.
    const handler = options.interactive && (signal === "SIGINT" || signal === "SIGQUIT") ? () => undefined : () => forward(signal);
    handlers.set(signal, handler);
    process.on(signal, handler);
  }

  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once("error", (error: NodeJS.ErrnoException) => reject(new RunError(`cannot start ${file}: ${error.message}`)));
      child.once("close", (c: number | null, s: NodeJS.Signals | null) => resolve([c, s]));
    });
    if (mapFailure !== undefined) {
      throw new RunError(`cannot write the sandbox's user namespace map: ${mapFailure.message}`);
    }
    if (started.sandboxPid === undefined) {
      throw new RunError(
        `the sandbox could not be created (exit ${exitCode(code, signal)}; bubblewrap's message is above). ` +
          `Is this process allowed to create user namespaces? (sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone, AppArmor)`,
      );
    }
    return exitCode(code, signal);
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}
