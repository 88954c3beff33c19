/**
 * gpg-agent housekeeping for tests: every test that makes a temporary GNUPGHOME stops that
 * home's agent before deleting the folder, or the daemon outlives the test (issue 18).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { requireTool } from "./tools.js";

/** Stops the gpg-agent serving `home` (a no-op when none runs). */
export function stopGpgAgent(home: string): void {
  requireTool("gpgconf", "gpgconf");
  execFileSync("gpgconf", ["--homedir", home, "--kill", "gpg-agent"], { stdio: "ignore" });
}

/** Process ids of the gpg-agents whose command line names `home` as their --homedir. */
export function gpgAgentsFor(home: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue; // the process ended while we looked
    }
    const homedir = argv.indexOf("--homedir");
    if (argv[0]?.endsWith("gpg-agent") && homedir !== -1 && argv[homedir + 1] === home) pids.push(Number(entry));
  }
  return pids;
}
