/**
 * Builds small, deterministic ACIs for tests without Nix: tar bytes from our own writer (tar.ts,
 * so tests can also make archives no honest packer would: absolute paths, devices, unknown
 * types, ...), a rootfs with the host's static /bin/busybox and applet links, any compression.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { requireTool } from "../../support/tools.js";
import { tarBytes, type TarEntry } from "./tar.js";

export { tarBytes, type EntryType, type TarEntry } from "./tar.js";

export type Compression = "none" | "gzip" | "bzip2" | "xz";

export function compress(tar: Buffer, compression: Compression): Buffer {
  switch (compression) {
    case "none":
      return tar;
    case "gzip":
      return gzipSync(tar);
    case "bzip2":
      requireTool("bzip2", "bzip2");
      return execFileSync("bzip2", ["-c"], { input: tar, maxBuffer: 1 << 30 });
    case "xz":
      requireTool("xz", "xz-utils");
      return execFileSync("xz", ["-c"], { input: tar, maxBuffer: 1 << 30 });
  }
}

export const BUSYBOX_APPLETS = ["sh", "id", "cat", "ls", "pwd", "env", "echo", "mkdir", "touch", "head", "sleep", "stat", "whoami", "test", "grep", "true", "false", "kill", "mount"];

let busyboxBytes: Buffer | undefined;
export function hostBusybox(): Buffer {
  requireTool("busybox", "busybox-static");
  busyboxBytes ??= readFileSync("/bin/busybox");
  return busyboxBytes;
}

export interface RootfsOptions {
  readonly passwd?: string;
  readonly group?: string;
  readonly extra?: readonly TarEntry[];
}

/** rootfs/ with bin/busybox, applet links, etc/passwd+group (root, alice 1000, bob 1001; staff 50). */
export function busyboxRootfs(options: RootfsOptions = {}): TarEntry[] {
  const passwd = options.passwd ?? "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\nbob:x:1001:1001::/:/bin/sh\n";
  const group = options.group ?? "root:x:0:\nstaff:x:50:alice\nalice:x:1000:\nbob:x:1001:\n";
  return [
    { path: "rootfs/", type: "Directory" },
    { path: "rootfs/bin/", type: "Directory" },
    { path: "rootfs/bin/busybox", type: "File", data: hostBusybox(), mode: 0o755 },
    ...BUSYBOX_APPLETS.map((name): TarEntry => ({ path: `rootfs/bin/${name}`, type: "SymbolicLink", linkpath: "busybox" })),
    { path: "rootfs/etc/", type: "Directory" },
    { path: "rootfs/etc/passwd", type: "File", data: passwd },
    { path: "rootfs/etc/group", type: "File", data: group },
    { path: "rootfs/home/", type: "Directory" },
    { path: "rootfs/home/alice/", type: "Directory", uid: 1000, gid: 1000, mode: 0o700 },
    { path: "rootfs/tmp/", type: "Directory", mode: 0o1777 },
    { path: "rootfs/usr/", type: "Directory" },
    { path: "rootfs/usr/bin/", type: "Directory" },
    { path: "rootfs/usr/sbin/", type: "Directory" },
    ...(options.extra ?? []),
  ];
}

export interface AppOverrides {
  readonly exec?: readonly string[];
  readonly user?: string;
  readonly group?: string;
  readonly [key: string]: unknown;
}

export function manifestFor(name: string, app: AppOverrides = {}, labels: Record<string, string> = { version: "1.0", os: "linux", arch: "amd64" }): Record<string, unknown> {
  return {
    acKind: "ImageManifest",
    acVersion: "0.8.11",
    name,
    labels: Object.entries(labels).map(([labelName, value]) => ({ name: labelName, value })),
    app: { exec: ["/bin/sh"], user: "0", group: "0", ...app },
  };
}

export interface AciOptions {
  readonly manifest?: Record<string, unknown> | string;
  readonly entries?: readonly TarEntry[];
  readonly compression?: Compression;
  readonly fileName?: string;
}

export async function tempDir(prefix = "nix2aci-test-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Writes an ACI (manifest first, then the rootfs entries) and returns its path. */
export async function writeAci(dir: string, options: AciOptions = {}): Promise<string> {
  const manifest = options.manifest ?? manifestFor("nix2aci.test/busybox");
  const manifestText = typeof manifest === "string" ? manifest : JSON.stringify(manifest);
  const tar = tarBytes([{ path: "manifest", type: "File", data: manifestText }, ...(options.entries ?? busyboxRootfs())]);
  const path = join(dir, options.fileName ?? "test.aci");
  await writeFile(path, compress(tar, options.compression ?? "gzip"));
  return path;
}
