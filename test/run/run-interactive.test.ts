import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { requireTool } from "../support/tools.js";
import { manifestFor, tempDir, writeAci } from "./support/aci.js";
import { eventually, sleep, startInTmux } from "./support/tmux.js";

const entry = fileURLToPath(new URL("./support/nix2aci-cli.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const DEMO_EXEC = ["/bin/busybox", "sh", "-c", "busybox mkdir -p /sbin; /bin/busybox --install -s; sh"];

describe("nix2aci run --interactive: the original busybox demo under tmux", () => {
  it("installs the applets, answers `busybox | head -n1`, keeps the shell on Ctrl-C, and exits cleanly", async () => {
    requireTool("bwrap", "bubblewrap");
    const dir = await tempDir("nix2aci-tmux-");
    const image = await writeAci(dir, { fileName: "busybox.aci", manifest: manifestFor("nix2aci.test/busybox", { exec: DEMO_EXEC }) });
    const terminal = startInTmux(["run", "--interactive", "--insecure-options=image", image], { NIX2ACI_CACHE_DIR: join(dir, "cache") });
    try {
      await eventually("the shell prompt", () => (/^[/~].*[#$] ?$/m.test(terminal.screen()) ? true : undefined));
      terminal.type("busybox | head -n1");
      terminal.key("Enter");
      expect(await eventually("the BusyBox banner", () => /^BusyBox v\d+\.\d+.*$/m.exec(terminal.screen())?.[0])).toMatch(/^BusyBox v/);
      terminal.type("ls /sbin | wc -l");
      terminal.key("Enter");
      const count = await eventually("the applet count", () => /^(\d+)$/m.exec(terminal.screen())?.[1]);
      expect(Number(count)).toBeGreaterThan(10);

      // Ctrl-C reaches the foreground job through the terminal; the shell survives it.
      terminal.type("sleep 1000");
      terminal.key("Enter");
      await sleep(500);
      terminal.key("C-c");
      terminal.type("echo still-$((40+2))");
      terminal.key("Enter");
      await eventually("the shell after Ctrl-C", () => (/^still-42$/m.test(terminal.screen()) ? true : undefined));

      terminal.type("exit 7");
      terminal.key("Enter");
      expect(await terminal.exitStatus()).toBe("7");
      // The run's writable root is gone once it ended.
      expect(readdirSync(join(dir, "cache", "runs"))).toEqual([]);
    } finally {
      terminal.close();
    }
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
    expect(readFileSync(join(out, "signal"), "utf8")).toBe("got-TERM\n");
  });
});
