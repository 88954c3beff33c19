/** Throwaway gpg keys for signing tests: RSA (what rkt verifies), in a private GNUPGHOME. */
import { execFileSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
import { join } from "node:path";
import { stopGpgAgent } from "../../support/gpg-agent.js";
import { requireTool } from "../../support/tools.js";
import { tempDir } from "./aci.js";

export interface TestKey {
  readonly home: string;
  readonly email: string;
  readonly fingerprint: string;
  readonly publicKeyFile: string;
  sign(file: string): void;
  /** Stops the key folder's gpg-agent and deletes the folder. */
  dispose(): void;
}

export async function makeKey(email: string): Promise<TestKey> {
  requireTool("gpg", "gnupg");
  const home = await tempDir("nix2aci-gpg-");
  chmodSync(home, 0o700);
  const env = { ...process.env, GNUPGHOME: home };
  const gpg = (...args: string[]): string => execFileSync("gpg", ["--batch", "--yes", ...args], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  gpg("--pinentry-mode", "loopback", "--passphrase", "", "--quick-generate-key", `Test <${email}>`, "rsa2048", "sign", "never");
  const fingerprint = (/^fpr:+([0-9A-F]{40}):/m.exec(gpg("--with-colons", "--list-keys", email))?.[1] ?? "").toLowerCase();
  const publicKeyFile = join(home, "public.asc");
  gpg("--armor", "--output", publicKeyFile, "--export", email);
  return {
    home,
    email,
    fingerprint,
    publicKeyFile,
    sign: (file: string) => {
      gpg("--local-user", email, "--armor", "--detach-sign", "--output", `${file}.asc`, file);
    },
    dispose: () => {
      stopGpgAgent(home);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
