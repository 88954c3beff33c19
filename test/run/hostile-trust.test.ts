/**
 * Untrusted input costs little: the signature file, the name's trusted keys and the signature
 * over the compressed bytes are checked before the image is decompressed past its manifest. The
 * images here are corrupt after the manifest (or expand to 2 GiB): had anything read further
 * than it should, the message would be about the archive, not about trust. Plus the trust
 * store's and the signature file's hostile shapes: a file as the trust folder, a FIFO as the
 * signature (which must not hang).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "../support/tools.js";
import { busyboxRootfs, manifestFor, tarBytes } from "./support/aci.js";
import { cli } from "./support/bundled-cli.js";
import { makeKey, type TestKey } from "./support/gpg.js";
import { expectContained, expectRun, makeHost, type Host } from "./support/hostile.js";

const NAME = "nix2aci.test/trusted/app";

/** A gzip ACI whose compressed bytes are garbage after the first ~2 MiB (the manifest comes first). */
function corruptAfterManifest(): Buffer {
  const tar = tarBytes([
    { path: "manifest", type: "File", data: JSON.stringify(manifestFor(NAME, { exec: ["/bin/true"] })) },
    ...busyboxRootfs({ extra: [{ path: "rootfs/noise", type: "File", data: randomBytes(2 * 1024 * 1024) }] }),
  ]);
  const bytes = gzipSync(tar);
  bytes.fill(0x55, bytes.length - 200_000, bytes.length - 8);
  return bytes;
}

/**
 * 2 GiB of zeros behind a valid manifest, in ~2 MiB of gzip (members of 64 MiB each), ending in a
 * truncated member: expanding it all would end in an archive error, not a trust error.
 */
function bomb(): Buffer {
  const head = tarBytes([
    { path: "manifest", type: "File", data: JSON.stringify(manifestFor(NAME, { exec: ["/bin/true"] })) },
    { path: "rootfs/", type: "Directory" },
    { path: "rootfs/zeros", type: "File", declaredSize: 2 * 1024 * 1024 * 1024 },
  ]);
  const zeros = gzipSync(Buffer.alloc(64 * 1024 * 1024));
  return Buffer.concat([gzipSync(head), ...Array.from({ length: 32 }, () => zeros), zeros.subarray(0, zeros.length / 2)]);
}

describe("untrusted input is refused before it is decompressed", () => {
  let host: Host;
  let trusted: TestKey;
  let stranger: TestKey;
  beforeAll(async () => {
    host = await makeHost();
    [trusted, stranger] = await Promise.all([makeKey("trusted@nix2aci.test"), makeKey("stranger@nix2aci.test")]);
    const result = await cli(["trust", `--prefix=${NAME}`, trusted.publicKeyFile], { env: host.env });
    expect(result.code, result.stderr).toBe(0);
  });
  afterAll(() => {
    trusted?.dispose();
    stranger?.dispose();
  });

  it("an unsigned image: 'not signed', nothing decompressed", async () => {
    const image = write(host, "unsigned.aci", corruptAfterManifest());
    await expectRun(host, [image], { code: 125, error: /image '.*unsigned\.aci' is not signed: '.*unsigned\.aci\.asc' does not exist/ });
  });

  it("a name no key is trusted for: refused after reading only the manifest", async () => {
    const image = write(host, "untrusted-name.aci", corruptAfterManifest());
    stranger.sign(image);
    const other = await makeHost();
    await expectRun(other, [image], { code: 125, error: /no key is trusted for images named 'nix2aci\.test\/trusted\/app' \(in .*\)/ });
  });

  it("a signature by a key that is not trusted: checked over the compressed bytes only", async () => {
    const image = write(host, "stranger.aci", corruptAfterManifest());
    stranger.sign(image);
    await expectRun(host, [image], { code: 125, error: /signature check failed for '.*stranger\.aci' \(name 'nix2aci\.test\/trusted\/app'\): .*not among the given keys/ });
  });

  it("a signature by the trusted key over a corrupt image: only then is the archive read, and refused", async () => {
    const image = write(host, "corrupt-signed.aci", corruptAfterManifest());
    trusted.sign(image);
    await expectRun(host, [image], { code: 125, error: /corrupt-signed\.aci: not a valid ACI archive/ });
  });

  it("a gzip bomb (2 GiB) signed by a stranger: refused without expanding it", async () => {
    const image = write(host, "bomb.aci", bomb());
    stranger.sign(image);
    await expectRun(host, [image], { code: 125, error: /signature check failed for '.*bomb\.aci'.*not among the given keys/ });
  });
});

describe("hostile trust store and signature files: one line, no hang", () => {
  let host: Host;
  let image: string;
  let key: TestKey;
  beforeAll(async () => {
    host = await makeHost();
    key = await makeKey("fifo@nix2aci.test");
    image = write(host, "app.aci", gzipSync(tarBytes([{ path: "manifest", type: "File", data: JSON.stringify(manifestFor(NAME, { exec: ["/bin/true"] })) }, ...busyboxRootfs()])));
  });

  afterAll(() => key?.dispose());

  it("NIX2ACI_TRUST_DIR naming a file: run says it cannot read the trust folder", async () => {
    key.sign(image);
    const file = join(host.dir, "not-a-folder");
    writeFileSync(file, "");
    await expectRun({ ...host, trust: file }, [image], { code: 125, error: /cannot read the trust folder '.*not-a-folder\/root\.d': not a folder \(check NIX2ACI_TRUST_DIR\)/ });
  });

  it("a FIFO as IMAGE.aci.asc: run and verify refuse it instead of waiting for a writer", async () => {
    requireTool("mkfifo", "coreutils");
    const fifoImage = write(host, "fifo.aci", gzipSync(tarBytes([{ path: "manifest", type: "File", data: JSON.stringify(manifestFor(NAME)) }, ...busyboxRootfs()])));
    execFileSync("mkfifo", [`${fifoImage}.asc`]);
    await expectContained(host, ["run", fifoImage], { code: 125, error: /signature '.*fifo\.aci\.asc' is not a regular file/ });
    await expectContained(host, ["verify", "--key", key.publicKeyFile, fifoImage], { code: 1, error: /cannot read signature '.*fifo\.aci\.asc': not a regular file/ });
  });
});

function write(host: Host, fileName: string, bytes: Buffer): string {
  const path = join(host.dir, fileName);
  writeFileSync(path, bytes);
  return path;
}
