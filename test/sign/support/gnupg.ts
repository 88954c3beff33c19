/**
 * Throwaway GnuPG homes for the signing tests: keys made with `gpg --batch --quick-gen-key`
 * in a fresh temporary GNUPGHOME, and an agent killed when done.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopGpgAgent } from "../../support/gpg-agent.js";
import { requireTool } from "../../support/tools.js";

export interface TestKey {
  /** The user ID's e-mail address: what NIX2ACI_SIGNING_KEY / --local-user selects. */
  readonly email: string;
  /** Primary key fingerprint, upper-case hex. */
  readonly fingerprint: string;
  /** `gpg --armor --export` of the key. */
  readonly armoredPublicKey: string;
}

export interface TestGnupg {
  readonly home: string;
  /** An environment with GNUPGHOME set and nothing that would let a pinentry prompt. */
  readonly env: NodeJS.ProcessEnv;
  gpg(args: readonly string[], input?: string | Buffer): string;
  addKey(name: string, algorithm: string, passphrase?: string): TestKey;
  dispose(): void;
}

export function quietEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ["DISPLAY", "WAYLAND_DISPLAY", "GPG_TTY", "NIX2ACI_SIGNING_KEY", "GPG_AGENT_INFO"]) delete env[name];
  return env;
}

export function createTestGnupg(): TestGnupg {
  requireTool("gpg", "gnupg");
  const home = mkdtempSync(join(tmpdir(), "nix2aci-gnupg-"));
  const env = quietEnv({ GNUPGHOME: home });
  const gpg = (args: readonly string[], input?: string | Buffer): string =>
    execFileSync("gpg", ["--batch", "--no-tty", ...args], { env, input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
  return {
    home,
    env,
    gpg,
    addKey(name, algorithm, passphrase = "") {
      const email = `${name}@nix2aci.test`;
      gpg(["--passphrase", passphrase, "--pinentry-mode", "loopback", "--quick-gen-key", `${name} <${email}>`, algorithm, "sign", "never"]);
      const listing = gpg(["--with-colons", "--list-keys", `<${email}>`]);
      const fingerprint = /^fpr:+([0-9A-F]{40,64}):/m.exec(listing)?.[1];
      if (fingerprint === undefined) throw new Error(`no fingerprint for the new key ${email}:\n${listing}`);
      // A fresh agent caches a passphrase given above; forget it so the key really is locked.
      if (passphrase !== "") stopGpgAgent(home);
      return { email, fingerprint, armoredPublicKey: gpg(["--armor", "--export", `<${email}>`]) };
    },
    dispose() {
      stopGpgAgent(home);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
