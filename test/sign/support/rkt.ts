/**
 * rkt's verifier for the tests: test/sign/support/rkt-verify.go built with Go and Debian's
 * golang.org/x/crypto (the openpgp package rkt vendored), once per test file.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { requireTool } from "../../support/tools.js";
import { tempDir } from "./tree.js";

const GOPATH = "/usr/share/gocode";

export interface RktVerdict {
  readonly ok: boolean;
  /** The signer's primary key fingerprint (ok), or Go's message (not ok). */
  readonly output: string;
}

let binary: string | undefined;

function build(): string {
  const go = requireTool("go", "golang-go");
  if (!existsSync(join(GOPATH, "src/golang.org/x/crypto/openpgp"))) {
    throw new Error("Go's x/crypto/openpgp is not installed (Debian package 'golang-golang-x-crypto-dev'); run .ci/run or apt-get install golang-golang-x-crypto-dev");
  }
  const out = join(tempDir("rkt-verify"), "rkt-verify");
  // Go's build cache is keyed by content: sharing it between runs only saves time.
  execFileSync(go, ["build", "-o", out, fileURLToPath(new URL("./rkt-verify.go", import.meta.url))], {
    env: { ...process.env, GO111MODULE: "off", GOPATH, GOCACHE: join(tmpdir(), "nix2aci-go-cache"), GOFLAGS: "" },
    stdio: "pipe",
  });
  return out;
}

/** Does rkt's verifier load `keyring` and accept `signature` over `file`? */
export function rktVerifies(keyring: string, file: string, signature: string): RktVerdict {
  binary ??= build();
  const run = spawnSync(binary, [keyring, file, signature], { encoding: "utf8" });
  return { ok: run.status === 0, output: (run.status === 0 ? run.stdout : run.stderr).trim() };
}
