import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "../support/tools.js";
import { manifestFor, tempDir, writeAci } from "./support/aci.js";

const entry = fileURLToPath(new URL("./support/nix2aci-cli.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value, for at most `limitMs` (a generous bound, not an assertion on speed). */
async function eventually<T>(what: string, check: () => T | undefined, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

describe("nix2aci run --interactive: the original busybox demo under tmux", () => {
  const socket = `nix2aci-test-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
  let dir: string;

  beforeAll(async () => {
    requireTool("tmux", "tmux");
    requireTool("bwrap", "bubblewrap");
    dir = await tempDir("nix2aci-tmux-");
  });
  afterAll(() => {
    try {
      tmux("kill-server");
    } catch {
      // already gone
    }
  });

  it("installs the applets, answers `busybox | head -n1`, keeps the shell on Ctrl-C, and exits cleanly", async () => {
    const exec = ["/bin/busybox", "sh", "-c", "busybox mkdir -p /sbin; /bin/busybox --install -s; sh"];
    const image = await writeAci(dir, { fileName: "busybox.aci", manifest: manifestFor("nix2aci.test/busybox", { exec }) });
    const command = [
      `cd ${quote(repoRoot)} &&`,
      `NIX2ACI_CACHE_DIR=${quote(join(dir, "cache"))}`,
      quote(process.execPath), "--import", "jiti/register", quote(entry),
      "run", "--interactive", "--insecure-options=image", quote(image),
    ].join(" ");
    tmux("new-session", "-d", "-s", "demo", "-x", "160", "-y", "40", command);
    tmux("set-option", "-t", "demo", "remain-on-exit", "on");
    const screen = () => tmux("capture-pane", "-p", "-t", "demo");

    await eventually("the shell prompt", () => (/^[/~].*[#$] ?$/m.test(screen()) ? true : undefined));
    tmux("send-keys", "-t", "demo", "busybox | head -n1", "Enter");
    const banner = await eventually("the BusyBox banner", () => /^BusyBox v\d+\.\d+.*$/m.exec(screen())?.[0]);
    expect(banner).toMatch(/^BusyBox v/);

    // Ctrl-C reaches the foreground job through the terminal; the shell survives it.
    tmux("send-keys", "-t", "demo", "sleep 1000", "Enter");
    await sleep(500);
    tmux("send-keys", "-t", "demo", "C-c");
    tmux("send-keys", "-t", "demo", "echo still-$((40+2))", "Enter");
    await eventually("the shell after Ctrl-C", () => (/^still-42$/m.test(screen()) ? true : undefined));

    tmux("send-keys", "-t", "demo", "exit 7", "Enter");
    const status = await eventually("the run to end", () => {
      const [dead, code] = tmux("display-message", "-p", "-t", "demo", "#{pane_dead} #{pane_dead_status}").trim().split(" ");
      return dead === "1" ? code : undefined;
    });
    expect(status).toBe("7");
    // The run's writable root is gone once it ended.
    expect(readdirSync(join(dir, "cache", "runs"))).toEqual([]);
  });
});

describe("nix2aci run (not interactive): signals are forwarded to the app", () => {
  it("delivers SIGTERM to the app, which exits through its trap", async () => {
    requireTool("bwrap", "bubblewrap");
    const dir = await tempDir("nix2aci-signal-");
    const out = join(dir, "out");
    execFileSync("mkdir", ["-m", "0777", out]);
    const script = "trap 'echo got-TERM > /out/signal; exit 5' TERM; echo ready > /out/ready; while true; do sleep 0.1; done";
    const image = await writeAci(dir, { fileName: "trap.aci", manifest: manifestFor("nix2aci.test/trap", { exec: ["/bin/sh", "-c", script], mountPoints: [{ name: "out", path: "/out" }] }) });
    const child = spawn(process.execPath, ["--import", "jiti/register", entry, "run", "--insecure-options=image", "--volume", `out,kind=host,source=${out}`, image], {
      cwd: repoRoot,
      env: { ...process.env, NIX2ACI_CACHE_DIR: join(dir, "cache") },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    await eventually("the app to start", () => (existsSync(join(out, "ready")) ? true : undefined));
    child.kill("SIGTERM");
    expect(await exited).toBe(5);
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(join(out, "signal"), "utf8")).toBe("got-TERM\n");
  });
});
