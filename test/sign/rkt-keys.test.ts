/**
 * Signatures rkt can check, tested with rkt's own verifier (Go's x/crypto/openpgp, built from
 * test/sign/support/rkt-verify.go) and real gpg keys. gpg's default key today has a cv25519
 * encryption subkey, which Go cannot parse ("invalid oid length"): a keyring holding it is
 * rejected whole. postprocess.sh must export only what signs, and nix2aci must never call a
 * signature good that rkt could not check.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNix2aci } from "../cli/support.js";
import { trustKeys, verifyImage } from "../../lib/sign/index.js";
import { createTestGnupg, type TestGnupg, type TestKey } from "./support/gnupg.js";
import { buildTestAci, createResultDir, imageFileName, signWithPostprocess } from "./support/image.js";
import { rktVerifies } from "./support/rkt.js";
import { runProgram } from "./support/run.js";
import { removeTempDirs, tempDir } from "./support/tree.js";

let gnupg: TestGnupg;
let withEncryption: TestKey; // RSA primary that signs, plus gpg's default cv25519 encryption subkey
let withSigningSubkey: TestKey; // RSA primary, a cv25519 encryption subkey, and an RSA signing subkey
let signingSubkey: string;
let bytes: Buffer;

const addSubkey = (key: TestKey, algorithm: string, usage: string) =>
  gnupg.gpg(["--passphrase", "", "--pinentry-mode", "loopback", "--quick-add-key", key.fingerprint, algorithm, usage, "never"]);
const fullKey = (key: TestKey): string => gnupg.gpg(["--armor", "--export", key.fingerprint]);

beforeAll(() => {
  gnupg = createTestGnupg();
  withEncryption = gnupg.addKey("encrypting", "rsa2048");
  addSubkey(withEncryption, "cv25519", "encr");
  withSigningSubkey = gnupg.addKey("subkeyed", "rsa2048");
  addSubkey(withSigningSubkey, "cv25519", "encr");
  addSubkey(withSigningSubkey, "rsa2048", "sign");
  const listing = gnupg.gpg(["--with-colons", "--list-keys", withSigningSubkey.fingerprint]);
  signingSubkey = /^sub:[^:]*:[^:]*:1:[^\n]*\nfpr:+([0-9A-F]{40}):/m.exec(listing)?.[1] ?? "";
  bytes = buildTestAci({ name: "nix2aci.test/rkt" });
});

afterAll(() => {
  gnupg?.dispose();
  removeTempDirs();
});

function keyFileOf(armored: string): string {
  const file = join(tempDir("key"), "key.asc");
  writeFileSync(file, armored);
  return file;
}

const cli = (args: readonly string[]) => runNix2aci(args);

describe("a key with a cv25519 encryption subkey", () => {
  it("is what rkt cannot load as gpg exports it whole", () => {
    const signed = signWithPostprocess(bytes, { ...gnupg.env, NIX2ACI_SIGNING_KEY: withEncryption.email });
    const verdict = rktVerifies(keyFileOf(fullKey(withEncryption)), signed.image, signed.signature);
    expect(verdict).toEqual({ ok: false, output: expect.stringMatching(/invalid oid length/) });
  });

  for (const [label, key, signer] of [
    ["signing with the primary key", () => withEncryption, () => withEncryption.fingerprint],
    ["signing with an RSA subkey", () => withSigningSubkey, () => signingSubkey],
  ] as const) {
    it(`${label}: postprocess.sh exports a keyring rkt loads, says what it left out, and rkt accepts the signature`, () => {
      const signed = signWithPostprocess(bytes, { ...gnupg.env, NIX2ACI_SIGNING_KEY: key().email });
      expect(signed.keyFile).toMatch(new RegExp(`pubkey-${signer()}\\.asc$`));
      expect(signed.stdout).toMatch(/left out: subkey [0-9A-F]{16} \(ECDH cv25519\)/);
      expect(rktVerifies(signed.keyFile, signed.image, signed.signature)).toEqual({ ok: true, output: key().fingerprint });
      // Only the primary key and the signing key are in it.
      const shown = gnupg.gpg(["--with-colons", "--import-options", "show-only", "--import"], readFileSync(signed.keyFile));
      expect(shown.split("\n").filter((line) => /^(pub|sub):/.test(line)).map((line) => line.split(":")[3])).toEqual(signer() === key().fingerprint ? ["1"] : ["1", "1"]);
    });
  }

  it("nix2aci verify refuses the whole key (rkt could not load it), accepts the exported one, and --allow-eddsa overrides", async () => {
    const signed = signWithPostprocess(bytes, { ...gnupg.env, NIX2ACI_SIGNING_KEY: withEncryption.email });
    const whole = keyFileOf(fullKey(withEncryption));
    const refused = await cli(["verify", signed.image, "--key", whole]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/^nix2aci verify: .*: rkt-unreadable-key: rkt cannot load key [0-9A-F]{40}: .*subkey [0-9A-F]{40} \(ECDH on curve25519\)/);
    const good = await cli(["verify", signed.image, "--key", signed.keyFile]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain("Good signature");
    expect((await cli(["verify", signed.image, "--key", whole, "--allow-eddsa"])).code).toBe(0);
    await expect(verifyImage(signed.image, signed.signature, [fullKey(withEncryption)])).rejects.toMatchObject({ reason: "rkt-unreadable-key" });
  });

  it("nix2aci trust stores it with a warning naming the subkey", async () => {
    const [stored] = await trustKeys(fullKey(withEncryption), { prefix: "nix2aci.test" }, tempDir("trust"));
    expect(stored?.warning).toMatch(/rkt cannot load key .*subkey [0-9A-F]{40} \(ECDH on curve25519\)/);
  });
});

describe("keys rkt cannot read at all", () => {
  it("postprocess.sh refuses an ed25519 primary key even with an RSA signing subkey, unless --allow-eddsa", async () => {
    const home = createTestGnupg();
    try {
      const key = home.addKey("edprimary", "ed25519");
      home.gpg(["--passphrase", "", "--pinentry-mode", "loopback", "--quick-add-key", key.fingerprint, "rsa2048", "sign", "never"]);
      const result = createResultDir([{ name: "nix2aci.test/rkt" }]);
      const cwd = tempDir("edprimary");
      const env = { ...home.env, NIX2ACI_SIGNING_KEY: key.email };
      const refused = await runProgram(join(result, "postprocess.sh"), ["out"], { cwd, env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/refusing to sign with key [0-9A-F]{40}: rkt could not load it/);
      expect(refused.stderr).toMatch(/primary key [0-9A-F]{16} \(EdDSA ed25519\)/);
      const file = imageFileName("nix2aci.test/rkt");
      const allowed = await runProgram(join(result, "postprocess.sh"), ["--allow-eddsa", "out"], { cwd, env });
      expect(allowed.code, allowed.stderr).toBe(0);
      const keyFile = /^key +(\S+)/m.exec(allowed.stdout)?.[1] ?? "";
      expect(rktVerifies(join(cwd, keyFile), join(cwd, "out", file), join(cwd, "out", `${file}.asc`)).ok).toBe(false);
    } finally {
      home.dispose();
    }
  });
});
