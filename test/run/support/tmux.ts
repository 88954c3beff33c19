/** Drives `nix2aci run --interactive` in a real terminal (tmux), like a person would. */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { requireTool } from "../../support/tools.js";

const entry = fileURLToPath(new URL("./nix2aci-cli.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value, for at most `limitMs` (a bound on waiting, not a speed assertion). */
export async function eventually<T>(what: string | (() => string), check: () => T | undefined, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await sleep(100);
  }
}

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

export interface Terminal {
  screen(): string;
  type(text: string): void;
  key(name: string): void;
  /** Waits for the run to end; its exit status (128+N for signal N). */
  exitStatus(): Promise<string>;
  close(): void;
}

let counter = 0;

/** Starts `nix2aci ARGS` (from source) in a fresh tmux server with the given environment. */
export function startInTmux(args: readonly string[], env: Record<string, string>): Terminal {
  requireTool("tmux", "tmux");
  const socket = `nix2aci-test-${process.pid}-${counter++}`;
  const statusFile = join(tmpdir(), `${socket}.status`);
  const tmux = (...a: string[]) => execFileSync("tmux", ["-L", socket, ...a], { encoding: "utf8" });
  const command = [
    `cd ${quote(repoRoot)} &&`,
    ...Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`),
    quote(process.execPath), "--import", "jiti/register", quote(entry),
    ...args.map(quote),
    `; echo "$?" > ${quote(statusFile)}`,
  ].join(" ");
  tmux("new-session", "-d", "-s", "t", "-x", "160", "-y", "40", command);
  tmux("set-option", "-t", "t", "remain-on-exit", "on");
  return {
    screen: () => tmux("capture-pane", "-p", "-t", "t"),
    type: (text) => void tmux("send-keys", "-t", "t", "-l", text),
    key: (name) => void tmux("send-keys", "-t", "t", name),
    // The shell in the pane records the exit status itself: tmux's own pane_dead_status was seen
    // empty under load (pane reported dead, status never filled in).
    exitStatus: () =>
      eventually(
        () => `the run to end; screen:\n${tmux("capture-pane", "-p", "-t", "t")}`,
        () => (existsSync(statusFile) ? readFileSync(statusFile, "utf8").trim() || undefined : undefined),
      ),
    close: () => {
      try {
        tmux("kill-server");
      } catch {
        // already gone
      }
    },
  };
}
