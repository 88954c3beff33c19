/**
 * Harness for hostile-image tests: a private host folder (cache, trust store, a victim tree the
 * images aim at, an output folder), and one assertion for every case: the exit status, the one
 * line nix2aci prints about it (no stack trace), the host unchanged, nothing left behind.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { parseRunArgs, runImage, RunError } from "../../../lib/run/index.js";
import { requireTool } from "../../support/tools.js";
import { tempDir } from "./aci.js";
import { cli, type CliOptions } from "./bundled-cli.js";
import { leftovers, snapshot } from "./host.js";
import type { CliResult } from "./spawn-cli.js";

export interface Host {
  readonly dir: string;
  readonly cache: string;
  readonly trust: string;
  /** Host files a hostile image tries to reach: they must never change. */
  readonly victim: string;
  /** World-writable; mounted at /out by tests that need to see what the app saw. */
  readonly out: string;
  readonly env: NodeJS.ProcessEnv;
}

export async function makeHost(): Promise<Host> {
  requireTool("bwrap", "bubblewrap");
  requireTool("setpriv", "util-linux");
  const dir = await tempDir("nix2aci-hostile-");
  chmodSync(dir, 0o755);
  const victim = join(dir, "victim");
  mkdirSync(join(victim, "etc"), { recursive: true });
  writeFileSync(join(victim, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  writeFileSync(join(victim, "secret"), "do not touch\n");
  const out = join(dir, "out");
  mkdirSync(out);
  chmodSync(out, 0o777);
  // Made up front: creating them would change the folder's own mtime.
  const cache = join(dir, "cache");
  const trust = join(dir, "trust");
  mkdirSync(cache, { mode: 0o700 });
  mkdirSync(trust, { mode: 0o700 });
  return { dir, cache, trust, victim, out, env: { NIX2ACI_CACHE_DIR: cache, NIX2ACI_TRUST_DIR: trust } };
}

export interface Expectation {
  readonly code: number;
  /** The failure line (after `nix2aci <command>: `), or undefined when the run succeeds. */
  readonly error?: RegExp;
  /** Paths under host.dir that the case may change (the cache, the output folder, ...). */
  readonly mayChange?: readonly string[];
}

function untouched(host: Host, expected: Expectation): () => void {
  const skip = ["cache", "trust", "out", ...(expected.mayChange ?? [])];
  const before = snapshot(host.dir, skip);
  return () => {
    expect(snapshot(host.dir, skip)).toEqual(before);
    expect(leftovers(host.cache, [host.dir])).toEqual([]);
  };
}

export interface RunOutcome {
  readonly code: number;
  readonly warnings: readonly string[];
}

/**
 * `runImage(parseRunArgs(argv))` in this process (the CLI exits with the status it returns, or
 * with the RunError's `exitStatus`, printing its message): checks status, message (one line, a
 * RunError), host and leftovers. The CLI's own printing is checked by `expectContained`.
 */
export async function expectRun(host: Host, argv: readonly string[], expected: Expectation, cacheDir: string = host.cache): Promise<RunOutcome> {
  const check = untouched(host, expected);
  const warnings: string[] = [];
  let code: number;
  let message: string | undefined;
  try {
    code = await runImage(parseRunArgs(argv), { cacheDir, trustDir: host.trust, warn: (warning) => warnings.push(warning) });
  } catch (error) {
    if (!(error instanceof RunError)) throw error;
    code = error.exitStatus;
    message = error.message;
  }
  const context = `status ${code}, message: ${message ?? "(none)"}`;
  if (expected.error === undefined) expect(message, context).toBeUndefined();
  else {
    expect(message, context).toMatch(expected.error);
    expect(message, context).not.toContain("\n");
  }
  expect(code, context).toBe(expected.code);
  check();
  return { code, warnings };
}

/** Runs `nix2aci ARGS` (a process of its own) and checks exit status, the one line printed, host and leftovers. */
export async function expectContained(host: Host, args: readonly string[], expected: Expectation, options: CliOptions = {}): Promise<CliResult> {
  const check = untouched(host, expected);
  const result = await cli(args, { ...options, env: { ...host.env, ...options.env } });
  const context = `exit ${result.code}\nstderr:\n${result.stderr}`;
  expect(result.stderr, context).not.toMatch(/^\s+at .*:\d+/m);
  const command = args[0] ?? "";
  const failures = result.stderr.split("\n").filter((line) => line.startsWith(`nix2aci ${command}: `) && !line.startsWith(`nix2aci ${command}: warning:`));
  if (expected.error === undefined) expect(failures, context).toEqual([]);
  else {
    expect(failures.length, context).toBe(1);
    expect(failures[0], context).toMatch(expected.error);
  }
  expect(result.code, context).toBe(expected.code);
  check();
  return result;
}
