/**
 * The rules every tar entry of an ACI must pass before anything is written: exactly `manifest` and
 * `rootfs/…` at the top, clean relative paths, no duplicates, no device nodes, nothing reached
 * through a symlink, no symlink climbing out of rootfs, hard links only to earlier regular files.
 * Checking here (not in the extractor) lets `inspect` reject the same images `run` would.
 */
import { posix } from "node:path";

export type EntryKind = "manifest" | "directory" | "file" | "symlink" | "hardlink";

export interface RawEntry {
  readonly path: string;
  readonly type: string;
  readonly linkpath?: string | undefined;
  readonly size: number;
}

export interface CheckedEntry {
  /** Normalized path inside the archive (`manifest`, `rootfs`, `rootfs/bin/sh`). */
  readonly path: string;
  readonly kind: EntryKind;
  /** Symlink target (verbatim) or hard link target (archive path). */
  readonly linkpath?: string;
}

/** Largest manifest accepted: a manifest is metadata, never bulk data. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

const fileTypes = new Set(["File", "OldFile", "ContiguousFile"]);

export class EntryRuleError extends Error {}

function fail(path: string, rule: string): never {
  throw new EntryRuleError(`entry '${path}': ${rule}`);
}

const ACCEPTED = "an ACI holds regular files, directories, symlinks and hard links";

/** The refusal of an entry type that is not one of the four an ACI may hold. */
export function unsupportedEntry(path: string, type: string, code?: string): EntryRuleError {
  // node-tar keeps no trace of a type flag it does not know.
  if (type === "Unsupported") return new EntryRuleError(`entry '${path}': unknown tar entry type: ${ACCEPTED}`);
  const named = code === undefined || code === type ? `'${type}'` : `${type} ('${code}')`;
  return new EntryRuleError(`entry '${path}': unsupported entry type ${named}: ${ACCEPTED}`);
}

/** `value` (the entry's path, or its hard link target) must be relative and normalized. */
function checkCleanPath(entryPath: string, value: string, what: string): void {
  if (value.length === 0) fail(entryPath, `empty ${what}`);
  if (value.includes("\0")) fail(entryPath, `${what} contains a NUL byte`);
  if (value.startsWith("/")) fail(entryPath, `absolute ${what} '${value}' (entries must be relative: manifest, rootfs/...)`);
  for (const part of value.split("/")) {
    if (part === "..") fail(entryPath, `${what} '${value}' contains '..'`);
    if (part === "." || part === "") fail(entryPath, `${what} '${value}' is not normalized (empty or '.' component)`);
  }
}

export class AciEntryChecker {
  private readonly seen = new Set<string>();
  private readonly symlinks = new Set<string>();
  private readonly nonDirectories = new Set<string>();
  private readonly regularFiles = new Set<string>();
  private sawManifest = false;
  private sawRootfs = false;

  check(entry: RawEntry): CheckedEntry {
    const isDirectory = entry.type === "Directory";
    const path = isDirectory ? entry.path.replace(/\/+$/, "") : entry.path;
    checkCleanPath(path, path, "path");
    if (this.seen.has(path)) fail(path, "duplicate entry");
    this.seen.add(path);

    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const ancestor = parts.slice(0, i).join("/");
      if (this.symlinks.has(ancestor)) fail(path, `lies under '${ancestor}', which is a symlink`);
      if (this.nonDirectories.has(ancestor)) fail(path, `lies under '${ancestor}', which is not a directory`);
    }

    if (path === "manifest") {
      if (!fileTypes.has(entry.type)) fail(path, `must be a regular file, not ${entry.type}`);
      if (entry.size > MAX_MANIFEST_BYTES) fail(path, `larger than ${MAX_MANIFEST_BYTES} bytes`);
      this.sawManifest = true;
      this.nonDirectories.add(path);
      return { path, kind: "manifest" };
    }
    if (parts[0] !== "rootfs") fail(path, "an ACI holds only 'manifest' and 'rootfs/' at the top");
    if (path === "rootfs") {
      if (!isDirectory) fail(path, `must be a directory, not ${entry.type}`);
      this.sawRootfs = true;
      return { path, kind: "directory" };
    }

    if (isDirectory) return { path, kind: "directory" };
    this.nonDirectories.add(path);
    if (fileTypes.has(entry.type)) {
      this.regularFiles.add(path);
      return { path, kind: "file" };
    }
    if (entry.type === "SymbolicLink") {
      const target = entry.linkpath ?? "";
      if (target.length === 0) fail(path, "symlink without a target");
      if (target.includes("\0")) fail(path, "symlink target contains a NUL byte");
      // Absolute targets are resolved against rootfs at run time; relative ones must stay inside it.
      if (!target.startsWith("/")) {
        const resolved = posix.normalize(posix.join(posix.dirname(path), target));
        if (resolved !== "rootfs" && !resolved.startsWith("rootfs/")) {
          fail(path, `symlink target '${target}' escapes rootfs`);
        }
      }
      this.symlinks.add(path);
      return { path, kind: "symlink", linkpath: target };
    }
    if (entry.type === "Link") {
      const target = entry.linkpath ?? "";
      checkCleanPath(path, target, "hard link target");
      if (!this.regularFiles.has(target)) {
        fail(path, `hard link target '${target}' is not an earlier regular file under rootfs/`);
      }
      return { path, kind: "hardlink", linkpath: target };
    }
    if (entry.type === "CharacterDevice" || entry.type === "BlockDevice") {
      fail(path, `device nodes are refused (${entry.type}); the runtime provides /dev`);
    }
    throw unsupportedEntry(path, entry.type);
  }

  /** Call after the last entry: an ACI needs both top-level parts. */
  finish(): void {
    if (!this.sawManifest) throw new EntryRuleError("no 'manifest' entry: not an ACI");
    if (!this.sawRootfs) throw new EntryRuleError("no 'rootfs' directory entry: not an ACI");
  }
}
