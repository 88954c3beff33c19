/**
 * Test images laid out like a Nix build result: `DIR/NAME-1.0-linux-amd64.aci` (a deterministic
 * tar of a manifest and a rootfs, compressed) beside a copy of nix/postprocess.sh.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../support/nix.js";
import { requireTool } from "../../support/tools.js";
import { tempDir } from "./tree.js";

export type Compression = "gzip" | "bzip2" | "xz" | "none";

export interface TestImageSpec {
  readonly name: string; // AC identifier, e.g. nix2aci.test/signme
  readonly compression?: Compression;
  /** Pretty-print the manifest (newlines, indentation) instead of builtins.toJSON's compact form. */
  readonly pretty?: boolean;
}

/** A manifest shaped like builtins.toJSON output: keys sorted, nested `name` keys before the top-level one. */
export function testManifest(name: string): Record<string, unknown> {
  return {
    acKind: "ImageManifest",
    acVersion: "0.8.11",
    annotations: [{ name: "authors", value: "nix2aci tests \"quoted\" name" }],
    app: {
      environment: [{ name: "name", value: "not/the-image" }],
      exec: ["/bin/true"],
      group: "0",
      user: "0",
    },
    labels: [
      { name: "version", value: "1.0" },
      { name: "os", value: "linux" },
      { name: "arch", value: "amd64" },
    ],
    name,
  };
}

function compress(tar: Buffer, compression: Compression): Buffer {
  switch (compression) {
    case "none":
      return tar;
    case "gzip":
      return execFileSync("gzip", ["-n", "-c"], { input: tar });
    case "bzip2":
      requireTool("bzip2", "bzip2");
      return execFileSync("bzip2", ["-c"], { input: tar });
    case "xz":
      requireTool("xz", "xz-utils");
      return execFileSync("xz", ["-c"], { input: tar });
  }
}

/** The bytes of an ACI: a deterministic tar of `manifest` and `rootfs/`, then compressed. */
export function buildTestAci(spec: TestImageSpec): Buffer {
  requireTool("tar", "tar");
  const staging = tempDir("aci");
  const manifest = testManifest(spec.name);
  writeFileSync(join(staging, "manifest"), spec.pretty === true ? JSON.stringify(manifest, null, 2) : JSON.stringify(manifest));
  mkdirSync(join(staging, "rootfs", "bin"), { recursive: true });
  writeFileSync(join(staging, "rootfs", "bin", "true"), "#!/bin/sh\n");
  chmodSync(join(staging, "rootfs", "bin", "true"), 0o755);
  const tar = execFileSync(
    "tar",
    ["-C", staging, "--sort=name", "--mtime=@1", "--owner=0", "--group=0", "--numeric-owner", "--format=ustar", "-cf", "-", "manifest", "rootfs"],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return compress(tar, spec.compression ?? "gzip");
}

export function imageFileName(name: string): string {
  return `${name.split("/").at(-1) ?? name}-1.0-linux-amd64.aci`;
}

/**
 * A fake Nix result directory holding the given images (and optional .mounts files) plus
 * postprocess.sh; returns its path. Its files are made read-only like a store path's.
 */
export function createResultDir(images: readonly TestImageSpec[], mounts: readonly string[] = []): string {
  const dir = tempDir("result");
  for (const spec of images) writeFileSync(join(dir, imageFileName(spec.name)), buildTestAci(spec));
  for (const mount of mounts) writeFileSync(join(dir, mount), "--volume nix-store-x,kind=host,source=/nix/store/x,readOnly=true\n");
  copyFileSync(join(repoRoot, "nix", "postprocess.sh"), join(dir, "postprocess.sh"));
  chmodSync(join(dir, "postprocess.sh"), 0o555);
  for (const spec of images) chmodSync(join(dir, imageFileName(spec.name)), 0o444);
  chmodSync(dir, 0o555);
  return dir;
}

export interface SignedCopy {
  /** OUTDIR/NAME.aci (a link to the result's image) and its signature. */
  readonly image: string;
  readonly signature: string;
  /** The public key postprocess.sh exported (`OUTDIR/pubkey-FINGERPRINT.asc`). */
  readonly keyFile: string;
  readonly stdout: string;
}

/**
 * Signs `bytes` as users do, the one signer there is: laid out as a Nix result holding
 * `fileName` and postprocess.sh, whose run (with `env`: GNUPGHOME, NIX2ACI_SIGNING_KEY) signs into
 * a fresh OUTDIR. Throws with postprocess.sh's output when it fails.
 */
export function signWithPostprocess(bytes: Buffer, env: NodeJS.ProcessEnv, fileName = "signme-1.0-linux-amd64.aci", args: readonly string[] = []): SignedCopy {
  const dir = tempDir("result");
  writeFileSync(join(dir, fileName), bytes);
  copyFileSync(join(repoRoot, "nix", "postprocess.sh"), join(dir, "postprocess.sh"));
  chmodSync(join(dir, "postprocess.sh"), 0o555);
  const outdir = join(tempDir("signed"), "out");
  const run = spawnSync(join(dir, "postprocess.sh"), [...args, outdir], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (run.status !== 0) throw new Error(`postprocess.sh failed (${run.status}):\n${run.stderr}${run.stdout}`);
  const keyFile = /^key +(\S+)/m.exec(run.stdout)?.[1];
  if (keyFile === undefined) throw new Error(`postprocess.sh named no key file:\n${run.stdout}`);
  return { image: join(outdir, fileName), signature: join(outdir, `${fileName}.asc`), keyFile, stdout: run.stdout };
}
