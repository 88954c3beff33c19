/**
 * Test helpers for built ACIs, independent of lib/ (tests check the product with other tools):
 * list tar entries one by one (node-tar, streaming; bzip2/xz through the host decompressor), read
 * the manifest, extract with GNU tar, parse a `.mounts` file, and run a command in an extracted
 * rootfs with bubblewrap so that only the image's files (plus chosen read-only binds) are visible.
 */
import { spawn, spawnSync } from "node:child_process";
import { createReadStream, readdirSync, readlinkSync, lstatSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import type { Readable } from "node:stream";
import { Parser, type ReadEntry } from "tar";
import { requireTool } from "./tools.js";

export type Compression = "none" | "gzip" | "bzip2" | "xz";

/** One tar member as the archive states it (path without a trailing `/`). */
export interface AciEntry {
  readonly path: string;
  readonly type: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number; // seconds since the epoch
  readonly size: number;
  readonly linkpath: string | undefined;
}

/** The compression of an image file, from its magic number (what rkt and actool look at). */
export function detectCompression(magic: Buffer): Compression {
  if (magic[0] === 0x1f && magic[1] === 0x8b) return "gzip";
  if (magic.subarray(0, 3).toString("latin1") === "BZh") return "bzip2";
  if (magic.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return "xz";
  return "none";
}

async function compressionOf(file: string): Promise<Compression> {
  const stream = createReadStream(file, { start: 0, end: 5 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return detectCompression(Buffer.concat(chunks));
}

/** The uncompressed tar bytes of an image file as a stream (gzip is left to node-tar). */
async function tarStream(file: string): Promise<{ stream: Readable; done: Promise<void> }> {
  const compression = await compressionOf(file);
  if (compression === "none" || compression === "gzip") {
    return { stream: createReadStream(file), done: Promise.resolve() };
  }
  const tool = compression === "xz" ? "xz" : "bzip2";
  requireTool(tool, compression === "xz" ? "xz-utils" : "bzip2");
  const child = spawn(tool, ["-dc", file], { stdio: ["ignore", "pipe", "inherit"] });
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${tool} -dc ${file} exited ${code}`))));
  });
  return { stream: child.stdout, done };
}

function toEntry(entry: ReadEntry): AciEntry {
  return {
    path: entry.path.replace(/\/+$/, ""),
    type: entry.type,
    mode: entry.mode ?? -1,
    uid: entry.uid ?? -1,
    gid: entry.gid ?? -1,
    mtime: entry.mtime === undefined ? -1 : Math.round(entry.mtime.getTime() / 1000),
    size: entry.size,
    linkpath: entry.linkpath,
  };
}

/**
 * Calls `onEntry` for every member in archive order, streaming (the image is never held in
 * memory). `onEntry` may return a Buffer consumer to receive the member's bytes.
 */
export async function forEachAciEntry(
  file: string,
  onEntry: (entry: AciEntry) => ((data: Buffer) => void) | void,
): Promise<void> {
  const { stream, done } = await tarStream(file);
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        const consumer = onEntry(toEntry(entry));
        if (consumer) entry.on("data", consumer);
        else entry.resume();
      },
    });
    parser.on("error", reject);
    parser.on("warn", (code: string, message: string | Error) => reject(new Error(`tar ${code}: ${String(message)}`)));
    parser.on("end", () => resolve());
    stream.on("error", reject);
    stream.pipe(parser);
  });
  await done;
}

export async function listAciEntries(file: string): Promise<AciEntry[]> {
  const entries: AciEntry[] = [];
  await forEachAciEntry(file, (entry) => {
    entries.push(entry);
  });
  return entries;
}

/** The parsed `manifest` member. */
export async function readAciManifest(file: string): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let found = false;
  await forEachAciEntry(file, (entry) => {
    if (entry.path !== "manifest") return;
    found = true;
    return (data) => chunks.push(data);
  });
  if (!found) throw new Error(`${file} has no manifest`);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
}

/** Extracts an image with GNU tar (any compression) into a fresh folder; returns the folder. */
export async function extractAci(file: string): Promise<{ dir: string; rootfs: string }> {
  requireTool("tar", "tar");
  const dir = await mkdtemp(join(tmpdir(), "nix2aci-image-"));
  const result = spawnSync("tar", ["-xf", file, "-C", dir], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`tar -xf ${file} failed: ${result.stderr}`);
  return { dir, rootfs: join(dir, "rootfs") };
}

/** A line of a `.mounts` file: `--volume NAME,kind=host,source=PATH,readOnly=true`. */
export interface HostVolume {
  readonly name: string;
  readonly source: string;
  readonly readOnly: boolean;
}

export function parseMountsFile(text: string): HostVolume[] {
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const match = /^--volume ([a-z0-9-]+),kind=host,source=([^,]+)(,readOnly=(true|false))?$/.exec(line);
      if (!match || match[1] === undefined || match[2] === undefined) throw new Error(`bad .mounts line: ${line}`);
      return { name: match[1], source: match[2], readOnly: match[4] === "true" };
    });
}

export interface Bind {
  readonly source: string; // host path
  readonly target: string; // path inside
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `argv` in `rootfs` with bubblewrap: an empty tmpfs `/`, each top-level rootfs entry bound
 * read-only (a top-level symlink is recreated as the same symlink, never followed on the host),
 * then `binds` read-only (e.g. a thin image's store paths), /proc and /dev. No network, no host
 * namespaces; nothing of the host's file system is visible but what is bound.
 */
export function runInRootfs(
  rootfs: string,
  argv: readonly string[],
  binds: readonly Bind[] = [],
  hidden: readonly string[] = [],
): RunResult {
  requireTool("bwrap", "bubblewrap");
  const args = ["--unshare-all", "--die-with-parent", "--clearenv", "--setenv", "PATH", "/bin:/usr/bin", "--tmpfs", "/"];
  for (const name of readdirSync(rootfs).sort()) {
    const path = join(rootfs, name);
    if (lstatSync(path).isSymbolicLink()) args.push("--symlink", readlinkSync(path), `/${name}`);
    else args.push("--ro-bind", path, `/${name}`);
  }
  for (const bind of binds) args.push("--ro-bind", bind.source, bind.target);
  // `hidden` paths are covered by an empty tmpfs (e.g. to show a store path is really needed).
  for (const path of hidden) args.push("--tmpfs", path);
  args.push("--proc", "/proc", "--dev", "/dev", "--chdir", "/", "--", ...argv);
  const result = spawnSync("bwrap", args, { encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What `checkAciHygiene` needs to know about the image. */
export interface HygieneOptions {
  /** Fat images: absolute symlinks may only point into store paths the image carries. */
  readonly storePathsMustBeInImage: boolean;
}

const STORE_DIR = "/nix/store/";

/** The `/nix/store/<name>` a path is in, or undefined. */
function storePathOf(path: string): string | undefined {
  if (!path.startsWith(STORE_DIR)) return undefined;
  const name = path.slice(STORE_DIR.length).split("/")[0];
  return name ? STORE_DIR + name : undefined;
}

/**
 * Checks an image archive entry by entry (streaming) and returns every problem found, as
 * "<path>: <what>"; [] means clean. Rules: `manifest` first (a regular file), then an explicit
 * `rootfs` directory entry; nothing else at the top; no absolute, `.` or `..` paths; no duplicates;
 * owner 0:0; one mtime for all; only files, directories and symlinks (no devices, FIFOs or hard
 * links); no setuid/setgid; nothing group/world-writable and no sticky bit but `rootfs/tmp` (1777);
 * everything readable by all; symlinks never leave the rootfs, except absolute ones into a store
 * path that has a `rootfs/nix/store/<name>` entry in the image (when the options ask for it).
 */
export async function checkAciHygiene(file: string, options: HygieneOptions): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Set<string>();
  const mtimes = new Set<number>();
  const symlinks: AciEntry[] = [];
  let index = 0;
  await forEachAciEntry(file, (entry) => {
    const { path } = entry;
    const problem = (what: string): void => void problems.push(`${path}: ${what}`);
    if (index === 0 && (path !== "manifest" || entry.type !== "File")) problem("the first entry must be the file 'manifest'");
    if (index === 1 && (path !== "rootfs" || entry.type !== "Directory")) problem("the second entry must be the directory 'rootfs'");
    index++;
    if (path !== "manifest" && path !== "rootfs" && !path.startsWith("rootfs/")) problem("outside manifest and rootfs/");
    if (path.startsWith("/") || path.split("/").some((part) => part === ".." || part === "." || part === "")) {
      problem("absolute or not normalised path");
    }
    if (seen.has(path)) problem("duplicate entry");
    seen.add(path);
    if (entry.uid !== 0 || entry.gid !== 0) problem(`owner ${entry.uid}:${entry.gid}, not 0:0`);
    mtimes.add(entry.mtime);
    if (!["File", "OldFile", "Directory", "SymbolicLink"].includes(entry.type)) problem(`entry type ${entry.type}`);
    const mode = entry.mode & 0o7777;
    if (entry.type === "SymbolicLink") {
      symlinks.push(entry);
      return;
    }
    if (mode & 0o6000) problem(`setuid/setgid mode ${mode.toString(8)}`);
    if (path === "rootfs/tmp") {
      if (mode !== 0o1777) problem(`mode ${mode.toString(8)}, expected 1777`);
      return;
    }
    if (mode & 0o1022) problem(`group/world-writable or sticky mode ${mode.toString(8)}`);
    const readable = entry.type === "Directory" ? 0o555 : 0o444;
    if ((mode & readable) !== readable) problem(`mode ${mode.toString(8)} is not readable by all`);
  });
  if (mtimes.size !== 1) problems.push(`archive: ${mtimes.size} different mtimes (${[...mtimes].join(", ")})`);
  for (const link of symlinks) {
    const target = link.linkpath ?? "";
    const where = link.path.slice("rootfs".length) || "/";
    if (target.startsWith("/")) {
      const storePath = storePathOf(posix.normalize(target));
      if (storePath === undefined) problems.push(`${link.path}: absolute link to ${target} outside the store`);
      else if (options.storePathsMustBeInImage && !seen.has(`rootfs${storePath}`)) {
        problems.push(`${link.path}: link to ${target}, a store path the image does not carry`);
      }
    } else {
      // Resolved inside the rootfs: climbing above "/" means the link escapes it.
      const parts = posix.dirname(where).split("/").filter((p) => p !== "");
      let escapes = false;
      for (const part of target.split("/")) {
        if (part === "..") {
          if (parts.length === 0) escapes = true;
          parts.pop();
        } else if (part !== "." && part !== "") parts.push(part);
      }
      if (escapes) problems.push(`${link.path}: relative link ${target} escapes the rootfs`);
    }
  }
  return problems;
}
