/**
 * nix/postprocess.sh on images laid out like a Nix result: signs with the real gpg in a throwaway
 * GNUPGHOME; signatures are checked by gpgv and by our verifier; failures must leave no .asc.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyImage } from "../../lib/sign/verify.js";
import { requireTool } from "../support/tools.js";
import { createTestGnupg, type TestGnupg, type TestKey } from "./support/gnupg.js";
import { createResultDir, imageFileName } from "./support/image.js";
import { runProgram, type RunResult } from "./support/run.js";
import { gpgvAccepts, pathWithoutGpg, snapshot, removeTempDirs, tempDir, writeScript } from "./support/tree.js";

const NAME = "nix2aci.test/signme";
const FILE = imageFileName(NAME);

let gnupg: TestGnupg;
let rsa2048: TestKey;
let rsa3072: TestKey;
let ed25519: TestKey;
let locked: TestKey;
let result: string; // a result dir with one gzip image

beforeAll(() => {
  requireTool("actool", "appc-spec");
  gnupg = createTestGnupg();
  rsa2048 = gnupg.addKey("rsa2048", "rsa2048");
  rsa3072 = gnupg.addKey("rsa3072", "rsa3072");
  ed25519 = gnupg.addKey("ed25519", "ed25519");
  locked = gnupg.addKey("locked", "rsa2048", "a passphrase nobody can type here");
  result = createResultDir([{ name: NAME }]);
});

afterAll(() => {
  gnupg?.dispose();
  removeTempDirs();
});

function postprocess(resultDir: string, args: readonly string[], options: { key?: TestKey | string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...gnupg.env, ...options.env };
  const key = typeof options.key === "string" ? options.key : options.key?.email;
  if (key !== undefined) env.NIX2ACI_SIGNING_KEY = key;
  return runProgram(join(resultDir, "postprocess.sh"), args, { cwd: options.cwd ?? tempDir("cwd"), env });
}

function expectSuccess(run: RunResult): void {
  expect(run.code, `postprocess.sh failed:\n${run.stderr}${run.stdout}`).toBe(0);
}

async function expectOurVerifierAccepts(outdir: string, key: TestKey, allowEdDSA = false): Promise<void> {
  const signer = await verifyImage(join(outdir, FILE), join(outdir, `${FILE}.asc`), [key.armoredPublicKey], { allowEdDSA });
  expect(signer.fingerprint).toBe(key.fingerprint);
  expect(signer.userID).toBe(`${key.email.split("@")[0]} <${key.email}>`);
}

function leftovers(outdir: string): string[] {
  return readdirSync(outdir).filter((name) => name.startsWith(".") || name.endsWith(".tmp"));
}

describe("postprocess.sh signs", () => {
  it("the test image is a valid ACI (actool)", () => {
    execFileSync("actool", ["validate", join(result, FILE)], { stdio: "pipe" });
  });

  for (const which of ["rsa2048", "rsa3072"] as const) {
    it(`with an ${which} key, through a result symlink, into ACIs/ of the caller's cwd`, async () => {
      const key = which === "rsa2048" ? rsa2048 : rsa3072;
      const cwd = tempDir("caller");
      symlinkSync(result, join(cwd, "result"));
      const run = await postprocess("result", [], { key, cwd });
      expectSuccess(run);
      const outdir = join(cwd, "ACIs");
      // The link points into the real result folder (the bytes that were signed), not at `result`.
      expect(snapshot(outdir)[FILE]?.target).toBe(join(realpathSync(result), FILE));
      const signature = join(outdir, `${FILE}.asc`);
      expect(readFileSync(signature, "utf8")).toMatch(/^-----BEGIN PGP SIGNATURE-----\n[\s\S]*-----END PGP SIGNATURE-----\n$/);
      expect(gpgvAccepts(signature, join(outdir, FILE), [key.armoredPublicKey], gnupg.env)).toBe(true);
      await expectOurVerifierAccepts(outdir, key);
      // The trust hint names the manifest's image name and a key file that really is the signer's.
      const keyFile = join(outdir, `pubkey-${key.fingerprint}.asc`);
      expect(run.stdout).toContain(`rkt trust --prefix=${NAME} ACIs/pubkey-${key.fingerprint}.asc`);
      expect(run.stdout).toContain(`nix2aci trust --prefix=${NAME} ACIs/pubkey-${key.fingerprint}.asc`);
      const fromExported = await verifyImage(join(outdir, FILE), signature, [readFileSync(keyFile, "utf8")]);
      expect(fromExported.fingerprint).toBe(key.fingerprint);
      expect(leftovers(outdir)).toEqual([]);
    });
  }

  it("signatures that gpgv and our verifier reject: tampered image, wrong key, truncated signature", async () => {
    const cwd = tempDir("reject");
    expectSuccess(await postprocess(result, ["out"], { key: rsa3072, cwd }));
    const outdir = join(cwd, "out");
    const image = readFileSync(join(outdir, FILE));
    const signature = join(outdir, `${FILE}.asc`);

    const tampered = join(cwd, "tampered.aci");
    const flipped = Buffer.from(image);
    flipped[flipped.length >> 1] = (flipped[flipped.length >> 1] ?? 0) ^ 0x01;
    writeFileSync(tampered, flipped);
    expect(gpgvAccepts(signature, tampered, [rsa3072.armoredPublicKey], gnupg.env)).toBe(false);
    await expect(verifyImage(tampered, signature, [rsa3072.armoredPublicKey])).rejects.toMatchObject({ reason: "bad-signature" });

    expect(gpgvAccepts(signature, join(outdir, FILE), [rsa2048.armoredPublicKey], gnupg.env)).toBe(false);
    await expect(verifyImage(join(outdir, FILE), signature, [rsa2048.armoredPublicKey])).rejects.toMatchObject({ reason: "unknown-signer" });

    const armored = readFileSync(signature, "utf8");
    const truncated = join(cwd, "truncated.asc");
    writeFileSync(truncated, armored.slice(0, Math.floor(armored.length / 2)));
    expect(gpgvAccepts(truncated, join(outdir, FILE), [rsa3072.armoredPublicKey], gnupg.env)).toBe(false);
    await expect(verifyImage(join(outdir, FILE), truncated, [rsa3072.armoredPublicKey])).rejects.toMatchObject({ reason: "unreadable-signature" });
  });

  it("several images of one result, each compression, and a thin image's .mounts file", async () => {
    const names = ["nix2aci.test/gz", "nix2aci.test/bz", "nix2aci.test/x-z", "nix2aci.test/plain"];
    const multi = createResultDir(
      [
        { name: names[0] ?? "", compression: "gzip" },
        { name: names[1] ?? "", compression: "bzip2" },
        { name: names[2] ?? "", compression: "xz", pretty: true },
        { name: names[3] ?? "", compression: "none" },
      ],
      ["plain-1.0-linux-amd64.mounts"],
    );
    const cwd = tempDir("multi");
    const run = await postprocess(multi, [], { key: rsa2048, cwd });
    expectSuccess(run);
    const outdir = join(cwd, "ACIs");
    for (const name of names) {
      const file = imageFileName(name);
      execFileSync("actool", ["validate", join(multi, file)], { stdio: "pipe" });
      expect(gpgvAccepts(join(outdir, `${file}.asc`), join(outdir, file), [rsa2048.armoredPublicKey], gnupg.env)).toBe(true);
      expect(run.stdout).toContain(`rkt trust --prefix=${name} `);
    }
    expect(snapshot(outdir)["plain-1.0-linux-amd64.mounts"]?.target).toBe(join(realpathSync(multi), "plain-1.0-linux-amd64.mounts"));
    expect(existsSync(join(outdir, "plain-1.0-linux-amd64.mounts.asc"))).toBe(false);
  });

  it("into an OUTDIR with spaces, quotes, $, backslash and a glob character", async () => {
    const cwd = tempDir("odd");
    const odd = `out dir/it's $HOME "q" \\ * [x]`;
    expectSuccess(await postprocess(result, [odd], { key: rsa2048, cwd }));
    const outdir = join(cwd, odd);
    expect(readdirSync(outdir).sort()).toEqual([`pubkey-${rsa2048.fingerprint}.asc`, FILE, `${FILE}.asc`]);
    expect(gpgvAccepts(join(outdir, `${FILE}.asc`), join(outdir, FILE), [rsa2048.armoredPublicKey], gnupg.env)).toBe(true);
    // An OUTDIR that looks like an option works after `--`.
    expectSuccess(await postprocess(result, ["--", "-dash dir"], { key: rsa2048, cwd }));
    expect(existsSync(join(cwd, "-dash dir", `${FILE}.asc`))).toBe(true);
  });

  it("again: a second run changes nothing but the signature", async () => {
    const cwd = tempDir("rerun");
    expectSuccess(await postprocess(result, [], { key: rsa2048, cwd }));
    const outdir = join(cwd, "ACIs");
    const before = snapshot(outdir);
    const firstSignature = readFileSync(join(outdir, `${FILE}.asc`), "utf8");
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a new signature gets a new timestamp
    expectSuccess(await postprocess(result, [], { key: rsa2048, cwd }));
    const after = snapshot(outdir);
    const { [`${FILE}.asc`]: signatureBefore, ...restBefore } = before;
    const { [`${FILE}.asc`]: signatureAfter, ...restAfter } = after;
    expect(restAfter).toEqual(restBefore); // same links (same inode, same target), same key file
    expect(signatureAfter?.ino).not.toBe(signatureBefore?.ino);
    expect(readFileSync(join(outdir, `${FILE}.asc`), "utf8")).not.toBe(firstSignature);
    expect(gpgvAccepts(join(outdir, `${FILE}.asc`), join(outdir, FILE), [rsa2048.armoredPublicKey], gnupg.env)).toBe(true);
  });

  it("from a result folder that cannot be written to (read-only bind mount)", async () => {
    const bwrap = requireTool("bwrap", "bubblewrap");
    const cwd = tempDir("ro");
    const resultBefore = snapshot(result);
    const env: NodeJS.ProcessEnv = { ...gnupg.env, NIX2ACI_SIGNING_KEY: rsa2048.email };
    const run = await runProgram(bwrap, ["--dev-bind", "/", "/", "--ro-bind", result, result, "--chdir", cwd, "--", join(result, "postprocess.sh"), "out"], { env });
    expectSuccess(run);
    expect(snapshot(result)).toEqual(resultBefore);
    expect(gpgvAccepts(join(cwd, "out", `${FILE}.asc`), join(cwd, "out", FILE), [rsa2048.armoredPublicKey], gnupg.env)).toBe(true);
  });
});

describe("postprocess.sh and EdDSA keys (rkt cannot verify them)", () => {
  it("refuses an ed25519 key by default, explaining why, and writes no signature", async () => {
    const cwd = tempDir("ed-refused");
    const run = await postprocess(result, ["out"], { key: ed25519, cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/EdDSA/);
    expect(run.stderr).toMatch(/x\/crypto\/openpgp/);
    expect(run.stderr).toMatch(/--allow-eddsa/);
    expect(existsSync(join(cwd, "out", `${FILE}.asc`))).toBe(false);
  });

  it("signs with it when --allow-eddsa is given; our verifier then reports it unless allowed", async () => {
    const cwd = tempDir("ed-allowed");
    expectSuccess(await postprocess(result, ["--allow-eddsa", "out"], { key: ed25519, cwd }));
    const outdir = join(cwd, "out");
    expect(gpgvAccepts(join(outdir, `${FILE}.asc`), join(outdir, FILE), [ed25519.armoredPublicKey], gnupg.env)).toBe(true);
    await expect(verifyImage(join(outdir, FILE), join(outdir, `${FILE}.asc`), [ed25519.armoredPublicKey])).rejects.toMatchObject({ reason: "eddsa-key" });
    await expectOurVerifierAccepts(outdir, ed25519, true);
  });

  it("checks the subkey gpg actually signs with: an RSA primary key with a newer ed25519 signing subkey is refused", async () => {
    const home = createTestGnupg();
    try {
      const key = home.addKey("mixed", "rsa2048");
      home.gpg(["--passphrase", "", "--pinentry-mode", "loopback", "--quick-add-key", key.fingerprint, "ed25519", "sign", "never"]);
      const cwd = tempDir("ed-subkey");
      const run = await runProgram(join(result, "postprocess.sh"), ["out"], { cwd, env: { ...home.env, NIX2ACI_SIGNING_KEY: key.email } });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/refusing to sign with key [0-9A-F]{40}, an EdDSA/);
      expect(existsSync(join(cwd, "out", `${FILE}.asc`))).toBe(false);
      expect(leftovers(join(cwd, "out"))).toEqual([]);
    } finally {
      home.dispose();
    }
  });
});

describe("postprocess.sh fails clearly", () => {
  it("with a passphrase-locked key and no way to enter the passphrase", async () => {
    const cwd = tempDir("locked");
    const run = await postprocess(result, ["out"], { key: locked, cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/locked by a passphrase/);
    expect(existsSync(join(cwd, "out", `${FILE}.asc`))).toBe(false);
    expect(leftovers(join(cwd, "out"))).toEqual([]);
  });

  it("with an unknown key, and with a keyring without secret keys", async () => {
    const cwd = tempDir("nokey");
    const unknown = await postprocess(result, ["out"], { key: "nobody@nix2aci.test", cwd });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no secret key 'nobody@nix2aci\.test'/);
    const empty = createTestGnupg();
    try {
      const run = await runProgram(join(result, "postprocess.sh"), ["out"], { cwd, env: empty.env });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/no secret key in gpg's keyring/);
    } finally {
      empty.dispose();
    }
    expect(existsSync(join(cwd, "out", `${FILE}.asc`))).toBe(false);
  });

  it("without gpg, or with a GnuPG 1 gpg; --no-sign then still links", async () => {
    const bin = pathWithoutGpg();
    const cwd = tempDir("nogpg");
    const missing = await postprocess(result, ["out"], { key: rsa2048, cwd, env: { PATH: bin } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/neither gpg2 nor gpg is installed/);
    writeScript(join(bin, "gpg"), "#!/bin/sh\necho 'gpg (GnuPG) 1.4.23'\n");
    const old = await postprocess(result, ["out"], { key: rsa2048, cwd, env: { PATH: bin } });
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/not GnuPG 2 \(gpg \(GnuPG\) 1\.4\.23\)/);
    expect(existsSync(join(cwd, "out", `${FILE}.asc`))).toBe(false);

    const linkOnly = await postprocess(result, ["--no-sign", "out"], { cwd, env: { PATH: bin } });
    expectSuccess(linkOnly);
    expect(readdirSync(join(cwd, "out"))).toEqual([FILE]);
    expect(snapshot(join(cwd, "out"))[FILE]?.target).toBe(join(realpathSync(result), FILE));
  });

  it("on bad usage (exit 2) and shows help (exit 0)", async () => {
    const bad = await postprocess(result, ["--bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option --bogus/);
    const two = await postprocess(result, ["a", "b"]);
    expect(two.code).toBe(2);
    const help = await postprocess(result, ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage: postprocess\.sh \[--no-sign\] \[--allow-eddsa\] \[OUTDIR\]/);
  });

  it("when OUTDIR/NAME.aci is in the way (a folder), before signing anything", async () => {
    const cwd = tempDir("in-the-way");
    mkdirSync(join(cwd, "out", FILE, "something"), { recursive: true });
    const run = await postprocess(result, ["out"], { key: rsa2048, cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot replace/);
    expect(existsSync(join(cwd, "out", `${FILE}.asc`))).toBe(false);
    expect(leftovers(join(cwd, "out"))).toEqual([]);
  });

  it("drops an older signature when the image behind a link changes and signing then fails", async () => {
    const cwd = tempDir("stale");
    expectSuccess(await postprocess(result, ["out"], { key: rsa2048, cwd }));
    const rebuilt = createResultDir([{ name: NAME, compression: "xz" }]); // same file name, other bytes
    const run = await postprocess(rebuilt, ["out"], { key: locked, cwd });
    expect(run.code).toBe(1);
    expect(snapshot(join(cwd, "out"))[FILE]?.target).toBe(join(realpathSync(rebuilt), FILE));
    expect(existsSync(join(cwd, "out", `${FILE}.asc`))).toBe(false);
  });
});

describe("postprocess.sh interrupted while gpg signs", () => {
  /** A `gpg2` earlier in PATH that, when asked to sign, records its pid and waits before the real gpg. */
  function slowGpgPath(marker: string): string {
    const bin = tempDir("slow-gpg");
    const realGpg = requireTool("gpg", "gnupg");
    writeScript(
      join(bin, "gpg2"),
      `#!/bin/sh
for arg in "$@"; do [ "$arg" = --detach-sign ] && slow=1; done
if [ -n "\${slow-}" ]; then
  sleep 60 & pause=$!
  trap 'kill $pause; exit 143' TERM
  echo $$ > "$NIX2ACI_TEST_MARKER"
  wait $pause
fi
exec "${realGpg}" "$@"
`,
    );
    return `${bin}:${process.env.PATH ?? ""}`;
  }

  async function waitForFile(path: string): Promise<void> {
    for (let i = 0; i < 600 && !existsSync(path); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(path), `${path} should appear once the slow gpg runs`).toBe(true);
  }

  function isRunning(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  for (const signal of ["SIGTERM", "SIGINT", "SIGKILL"] as const) {
    it(`by ${signal}: no .asc is left behind`, async () => {
      const cwd = tempDir(`killed-${signal}`);
      const marker = join(cwd, "gpg-started");
      const env: NodeJS.ProcessEnv = { ...gnupg.env, NIX2ACI_SIGNING_KEY: rsa2048.email, PATH: slowGpgPath(marker), NIX2ACI_TEST_MARKER: marker };
      const child = spawn(join(result, "postprocess.sh"), ["out"], { cwd, env, stdio: "ignore" });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on("close", (code, sig) => resolve({ code, signal: sig })),
      );
      await waitForFile(marker);
      const gpgPid = Number(readFileSync(marker, "utf8").trim());
      expect(existsSync(join(cwd, "out", FILE))).toBe(true); // linked, now signing
      child.kill(signal);
      const status = await exited;
      if (signal === "SIGKILL") {
        expect(status.signal).toBe("SIGKILL");
        // Nobody cleaned up: the orphaned gpg is ours to stop (by its pid).
        if (isRunning(gpgPid)) process.kill(gpgPid, "SIGTERM");
        expect(existsSync(join(cwd, "out", `${FILE}.asc`))).toBe(false);
        expect(leftovers(join(cwd, "out"))).not.toEqual([]);
        // The next run sweeps the dead run's scratch folder, and signs.
        const again = spawnSync(join(result, "postprocess.sh"), ["out"], { cwd, env: { ...gnupg.env, NIX2ACI_SIGNING_KEY: rsa2048.email }, stdio: "ignore" });
        expect(again.status).toBe(0);
        expect(leftovers(join(cwd, "out"))).toEqual([]);
        expect(existsSync(join(cwd, "out", `${FILE}.asc`))).toBe(true);
      } else {
        expect(status.code).toBe(signal === "SIGTERM" ? 143 : 130);
        expect(leftovers(join(cwd, "out"))).toEqual([]); // the scratch folder went too
        expect(isRunning(gpgPid)).toBe(false); // the script stopped gpg
        expect(existsSync(join(cwd, "out", `${FILE}.asc`))).toBe(false);
      }
    });
  }
});
