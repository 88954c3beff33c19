import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trustedKeysFor, trustKeys } from "../../lib/sign/index.js";
import { manifestFor, writeAci } from "./support/aci.js";
import { makeKey, type TestKey } from "./support/gpg.js";
import { sandbox, type Sandbox } from "./support/run.js";
import { spawnCli } from "./support/spawn-cli.js";

const name = "nix2aci.test/signed/busybox";

describe("nix2aci run: signatures and trust", () => {
  let box: Sandbox;
  let trusted: TestKey;
  let stranger: TestKey;
  let image: string;
  const imageWith = (fileName: string, greeting: string) =>
    writeAci(box.dir, {
      fileName,
      manifest: manifestFor(name, { exec: ["/bin/sh", "-c", 'echo "$GREETING" > /out/greeting'], environment: [{ name: "GREETING", value: greeting }], mountPoints: [{ name: "out", path: "/out" }] }),
    });
  const outVolume = () => ["--volume", `out,kind=host,source=${box.outDir}`];

  beforeAll(async () => {
    box = await sandbox();
    [trusted, stranger] = await Promise.all([makeKey("trusted@nix2aci.test"), makeKey("stranger@nix2aci.test")]);
    image = await imageWith("signed.aci", "signed hello");
    trusted.sign(image);
    // `nix2aci trust` through the CLI, into this test's trust folder.
    const result = await spawnCli(["trust", "--prefix=nix2aci.test/signed", trusted.publicKeyFile], { NIX2ACI_TRUST_DIR: box.trustDir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`trusted ${trusted.fingerprint}`);
  });

  afterAll(() => {
    trusted?.dispose();
    stranger?.dispose();
  });

  it("keeps keys in rkt's layout: prefix.d/<prefix>/<lower-case fingerprint>", () => {
    const path = join(box.trustDir, "prefix.d", "nix2aci.test", "signed", trusted.fingerprint);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, "utf8")).toContain("-----BEGIN PGP PUBLIC KEY BLOCK-----");
  });

  it("runs a signed image whose key is trusted for its name", async () => {
    const result = await box.run([...outVolume(), image]);
    expect(result.code).toBe(0);
    expect(await box.out("greeting")).toBe("signed hello\n");
    expect(result.warnings).toEqual([]);
  });

  it("refuses an unsigned image unless --insecure-options=image, which warns", async () => {
    const unsigned = await imageWith("unsigned.aci", "unsigned hello");
    await expect(box.run([...outVolume(), unsigned])).rejects.toThrow(/is not signed: '.*unsigned\.aci\.asc' does not exist/);
    const result = await box.run(["--insecure-options=image", ...outVolume(), unsigned]);
    expect(result.code).toBe(0);
    expect(result.warnings.join("\n")).toMatch(/NOT checking the signature/);
  });

  it("refuses a tampered image even though its signer is trusted", async () => {
    const tampered = await imageWith("tampered.aci", "tampered hello");
    const { copyFileSync } = await import("node:fs");
    copyFileSync(`${image}.asc`, `${tampered}.asc`);
    await expect(box.run([...outVolume(), tampered])).rejects.toThrow(/signature check failed for '.*tampered\.aci'.*BAD signature/);
  });

  it("refuses an image signed by a key that is not trusted", async () => {
    const other = await imageWith("stranger.aci", "stranger hello");
    stranger.sign(other);
    await expect(box.run([...outVolume(), other])).rejects.toThrow(/signature check failed.*not among the given keys/);
  });

  it("matches prefixes by whole name parts, and --root trusts every name", async () => {
    const dir = join(box.dir, "trust-prefixes");
    const armored = readFileSync(trusted.publicKeyFile, "utf8");
    await trustKeys(armored, { prefix: "example.com/tools" }, dir);
    expect(await trustedKeysFor("example.com/tools/sh", dir)).toHaveLength(1);
    expect(await trustedKeysFor("example.com/tools", dir)).toHaveLength(1);
    expect(await trustedKeysFor("example.com/toolsmith", dir)).toHaveLength(0);
    expect(await trustedKeysFor("example.com", dir)).toHaveLength(0);
    await trustKeys(armored, { root: true }, dir);
    expect(await trustedKeysFor("anything.org/x", dir)).toHaveLength(1);
    expect(existsSync(join(dir, "root.d", trusted.fingerprint))).toBe(true);
  });

  it("trust refuses bad input with a message", async () => {
    const notKey = await spawnCli(["trust", "--prefix=nix2aci.test", "/etc/hostname"], { NIX2ACI_TRUST_DIR: box.trustDir });
    expect(notKey.code).toBe(1);
    expect(notKey.stderr).toMatch(/not an ASCII-armored OpenPGP public key/);
    const badPrefix = await spawnCli(["trust", "--prefix=../etc", trusted.publicKeyFile], { NIX2ACI_TRUST_DIR: box.trustDir });
    expect(badPrefix.code).toBe(1);
    expect(badPrefix.stderr).toMatch(/--prefix '\.\.\/etc' is not a valid AC Identifier/);
    const both = await spawnCli(["trust", "--root", "--prefix=x", trusted.publicKeyFile], { NIX2ACI_TRUST_DIR: box.trustDir });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/exactly one of --prefix=NAME-PREFIX or --root/);
  });
});
