/** Drives `nix2aci run --interactive` in a real terminal (tmux), like a person would. */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { requireTool } from "../../support/tools.js";

const entry = fileURLToPath(new URL("./nix2aci-cli.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value, for at most `limitMs` (a bound on waiting, not a speed assertion). */
export async function eventually<T>(what: string, check: () => T | undefined, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

export interface Terminal {
  screen(): string;
  type(text: string): void;
  key(name: string): void;
  /** Waits for the run to end; its exit status, or `signal N` when a signal ended it. */
  exitStatus(): Promise<string>;
  close(): void;
}

let counter = 0;

/** Starts `nix2aci ARGS` (from source) in a fresh tmux server with the given environment. */
export function startInTmux(args: readonly string[], env: Record<string, string>): Terminal {
  requireTool("tmux", "tmux");
  const socket = `nix2aci-test-${process.pid}-${counter++}`;
  const tmux = (...a: string[]) => execFileSync("tmux", ["-L", socket, ...a], { encoding: "utf8" });
  const command = [
    `cd ${quote(repoRoot)} &&`,
    ...Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`),
    quote(process.execPath), "--import", "jiti/register", quote(entry),
    ...args.map(quote),
  ].join(" ");
  tmux("new-session", "-d", "-s", "t", "-x", "160", "-y", "40", command);
  tmux("set-option", "-t", "t", "remain-on-exit", "on");
  return {
    screen: () => tmux("capture-pane", "-p", "-t", "t"),
    type: (text) => void tmux("send-keys", "-t", "t", "-l", text),
    key: (name) => void tmux("send-keys", "-t", "t", name),
    exitStatus: () =>
      eventually("the run to end", () => {
        const [dead, code, signal] = tmux("display-message", "-p", "-t", "t", "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}").trim().split("|");
        // tmux may report the pane dead a moment before it records how it died.
        if (dead !== "1") return undefined;
        if (code !== undefined && code !== "") return code;
        return signal !== undefined && signal !== "" ? `signal ${signal}` : undefined;
      }),
    close: () => {
      try {
        tmux("kill-server");
      } catch {
        // already gone
      }
    },
  };
}
