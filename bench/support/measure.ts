/**
 * Timing and peak memory of child processes. Wall time is measured around the process; peak
 * memory is GNU time's %M (`/usr/bin/time -f %M`): the largest maximum resident set size of the
 * process and of every descendant it waited for, i.e. the peak of the single biggest process
 * (for a pipeline `tar | pigz` the larger of the two, not their sum).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { requireTool } from "../../test/support/tools.js";

export interface Measured {
  readonly seconds: number;
  /** Peak RSS of the largest process, KiB. */
  readonly maxRssKiB: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Runs `command` under /usr/bin/time; throws with its stderr when it fails. */
export function measure(command: readonly string[], options: RunOptions = {}): Measured {
  const time = requireTool("/usr/bin/time", "time");
  const scratch = mkdtempSync(path.join(os.tmpdir(), "nix2aci-bench-time-"));
  const report = path.join(scratch, "rusage");
  try {
    const started = process.hrtime.bigint();
    const result = spawnSync(time, ["-o", report, "-f", "%M", ...command], {
      encoding: "utf8",
      env: options.env ?? process.env,
      cwd: options.cwd,
      maxBuffer: 512 * 1024 * 1024,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.error !== undefined) throw result.error;
    if (result.status !== 0) {
      throw new Error(`${command.join(" ")} failed (exit ${String(result.status)}):\n${result.stderr.slice(-4000)}`);
    }
    // GNU time's report is the last line (it prefixes a "Command exited…" line on failure).
    const lines = readFileSync(report, "utf8").trim().split("\n");
    return { seconds, maxRssKiB: Number(lines[lines.length - 1]), stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A shell pipeline under /usr/bin/time (bash -o pipefail: any failing stage fails it). */
export function measureShell(script: string, options: RunOptions = {}): Measured {
  return measure(["bash", "-euo", "pipefail", "-c", script], options);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median wall time and the largest peak RSS over several runs. */
export interface Summary {
  readonly runs: number;
  readonly medianSeconds: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  readonly maxRssKiB: number;
}

export function summarize(runs: readonly Measured[]): Summary {
  const seconds = runs.map((r) => r.seconds);
  return {
    runs: runs.length,
    medianSeconds: median(seconds),
    minSeconds: Math.min(...seconds),
    maxSeconds: Math.max(...seconds),
    maxRssKiB: Math.max(...runs.map((r) => r.maxRssKiB)),
  };
}
