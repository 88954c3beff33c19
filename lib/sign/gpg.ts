/**
 * A small typed wrapper over the user's `gpg` binary (see README.md for why not node-gpg):
 * every call gets `--batch --no-tty`, its exit status, its stderr and its machine-readable
 * status lines (`--status-fd 3`, a pipe of its own so they never mix with messages).
 */
import { spawn } from "node:child_process";

export interface GpgOptions {
  /** The gpg binary; default: `gpg2` when installed, else `gpg` if it is GnuPG 2. */
  readonly gpg?: string;
  /** Environment for gpg (GNUPGHOME, PATH, ...); default: this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface GpgResult {
  /** Exit status, or null when gpg was killed by `signal`. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  /** `[GNUPG:] KEYWORD args...` lines without the `[GNUPG:] ` prefix. */
  readonly status: readonly string[];
}

/** Thrown when no usable gpg binary exists. */
export class GpgNotFoundError extends Error {
  override readonly name = "GpgNotFoundError";
}

/** Runs gpg with `args`; never rejects on a non-zero exit (callers explain failures themselves). */
export function runGpg(gpg: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<GpgResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(gpg, ["--batch", "--no-tty", "--status-fd", "3", ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const status: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    const statusStream = child.stdio[3];
    statusStream?.on("data", (chunk: Buffer) => status.push(chunk));
    child.on("error", reject);
    child.on("close", (exitCode, signal) => {
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr).toString("utf8"),
        status: Buffer.concat(status)
          .toString("utf8")
          .split("\n")
          .filter((line) => line.startsWith("[GNUPG:] "))
          .map((line) => line.slice("[GNUPG:] ".length)),
      });
    });
  });
}

/** `--version`'s first line, or null when `name` cannot be run. */
async function versionLine(name: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  try {
    const result = await runGpg(name, ["--version"], env);
    return result.exitCode === 0 ? (result.stdout.toString("utf8").split("\n")[0] ?? "") : null;
  } catch {
    return null;
  }
}

/** `gpg2` when installed, else `gpg` if it is GnuPG 2 (the same rule as postprocess.sh). */
export async function findGpg(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if ((await versionLine("gpg2", env)) !== null) return "gpg2";
  const version = await versionLine("gpg", env);
  if (version === null) {
    throw new GpgNotFoundError("neither gpg2 nor gpg is installed; install GnuPG 2 (Debian: gnupg)");
  }
  if (/\(GnuPG\) 1\./.test(version) || version === "") {
    throw new GpgNotFoundError(`'gpg' is not GnuPG 2 (${version || "no version"}); install GnuPG 2 (Debian: gnupg)`);
  }
  return "gpg";
}
