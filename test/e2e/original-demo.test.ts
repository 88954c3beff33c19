/**
 * The original nix2aci demo, end to end, as a person types it: build the busybox example, sign it
 * with result/postprocess.sh and a throwaway key, trust that key, then `nix2aci run --interactive`
 * (no --insecure-options) and type `busybox | head -n1` in the container shell under tmux.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nixEnv, repoRoot, requireNix } from "../support/nix.js";
import { stopGpgAgent } from "../support/gpg-agent.js";
import { requireTool } from "../support/tools.js";
import { eventually, startInTmux } from "../run/support/tmux.js";

const work = mkdtempSync(join(tmpdir(), "nix2aci-demo-"));
const gnupgHome = join(work, "gnupg");
const env = { ...nixEnv, GNUPGHOME: gnupgHome, NIX2ACI_TRUST_DIR: join(work, "trust"), NIX2ACI_CACHE_DIR: join(work, "cache") };
const sh = (command: string, args: string[] = []) =>
  execFileSync("bash", ["-c", command, "bash", ...args], { cwd: work, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

afterAll(() => {
  stopGpgAgent(gnupgHome);
  rmSync(work, { recursive: true, force: true });
});

describe("the original demo", () => {
  it("build, postprocess.sh signs, trust, run --interactive, read the BusyBox banner back", async () => {
    requireNix();
    requireTool("gpg", "gnupg");
    // nix-build -A busybox && ./result/postprocess.sh
    execFileSync("nix-build", [join(repoRoot, "examples/generated"), "--arg", "pkgs", `import ${join(repoRoot, "nix/host-pkgs.nix")} { }`, "-A", "busybox", "-o", "result"], { cwd: work, env, stdio: "ignore" });
    mkdirSync(gnupgHome, { mode: 0o700 });
    sh("gpg --batch --passphrase '' --quick-gen-key 'demo <demo@nix2aci.invalid>' rsa3072 sign never");
    const signed = sh("./result/postprocess.sh");
    const aci = readdirSync(join(work, "ACIs")).find((f) => f.endsWith(".aci")) ?? "";
    expect(aci).toMatch(/^busybox-.+-linux-amd64\.aci$/);
    expect(readdirSync(join(work, "ACIs"))).toContain(`${aci}.asc`);
    expect(signed).toContain("nix2aci trust --prefix=nix2aci.example/busybox");

    // The key as postprocess.sh exported it, trusted for the image's name, as its output says.
    const key = readdirSync(join(work, "ACIs")).find((f) => /^pubkey-.*\.asc$/.test(f)) ?? "";
    sh(`node "$1" trust --prefix=nix2aci.example/busybox "ACIs/$2"`, [join(repoRoot, "bin/nix2aci.js"), key]);

    const terminal = startInTmux(["run", "--interactive", join(work, "ACIs", aci)], env as Record<string, string>);
    try {
      await eventually(() => `the shell prompt; screen:\n${terminal.screen()}`, () => (/[#$] ?$/m.test(terminal.screen()) ? true : undefined));
      terminal.type("busybox | head -n1");
      terminal.key("Enter");
      const banner = await eventually("the BusyBox banner", () => /^BusyBox v\d+\.\d+.*$/m.exec(terminal.screen())?.[0]);
      expect(banner).toMatch(/^BusyBox v1\.\d+/);
      terminal.type("exit");
      terminal.key("Enter");
      expect(await terminal.exitStatus()).toBe("0");
    } finally {
      terminal.close();
    }
  });

  it("refuses the same image once a byte of it changes, though its signer is trusted", () => {
    const aci = readdirSync(join(work, "ACIs")).find((f) => f.endsWith(".aci")) ?? "";
    // Still a well-formed ACI (one byte inside the busybox binary changed, recompressed), so only
    // the signature can tell.
    sh(
      `gzip -dc "ACIs/$1" > tampered.tar && printf X | dd of=tampered.tar bs=1 seek=600000 conv=notrunc status=none && ` +
        `gzip -n < tampered.tar > tampered.aci && cp "ACIs/$1.asc" tampered.aci.asc`,
      [aci],
    );
    let failure = "";
    try {
      sh(`node "$1" run tampered.aci </dev/null`, [join(repoRoot, "bin/nix2aci.js")]);
    } catch (error) {
      failure = String((error as { stderr?: string }).stderr);
    }
    expect(failure).toMatch(/signature/i);
  });
});
