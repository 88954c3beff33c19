import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GENERATED_MARK } from "./frame.js";

/** What {@link writeTree} did, as `/`-separated paths relative to the tree's folder. */
export interface WriteTreeReport {
  /** In tree order. */
  readonly written: readonly string[];
  /** In tree order. */
  readonly unchanged: readonly string[];
  /** Generated files no longer in the tree (a spec was removed or renamed), sorted. */
  readonly removed: readonly string[];
}

/**
 * Writes a rendered tree (relative path → text) under `dir`.
 *
 * - A file whose bytes are already right is not touched (its mtime stays, so `make`-style tools
 *   and Nix evaluation caches see no change).
 * - Changed files are first all written to temporary files beside their targets, then renamed
 *   over them: a reader never sees a half-written file, and a failure while writing leaves every
 *   target as it was. Renames happen in tree order (renderTree puts `default.nix` last).
 * - Paths must be relative, `/`-separated, without `.`/`..` parts: a tree cannot write outside `dir`.
 * - Then `.nix` files under `dir` that an earlier run generated (they begin with the generated
 *   header) and that this tree no longer has are deleted, and folders left empty by that: the
 *   file of a removed spec would otherwise stay behind (and be committed in a flake). A file that
 *   does not begin with the header (the user's own) is never deleted.
 */
export function writeTree(dir: string, tree: ReadonlyMap<string, string>): WriteTreeReport {
  for (const relative of tree.keys()) checkTreePath(relative);
  const written: string[] = [];
  const unchanged: string[] = [];
  const pending: { temp: string; target: string }[] = [];
  // Folders made ready, and whether this call created them: then they hold no target yet, and
  // there is nothing to compare (saves a failed open per file when writing a new tree).
  const folders = new Map<string, boolean>();
  const tempSuffix = `${process.pid}-${randomBytes(6).toString("hex")}`;
  try {
    for (const [relative, text] of tree) {
      const target = path.join(dir, ...relative.split("/"));
      const folder = path.dirname(target);
      let created = folders.get(folder);
      if (created === undefined) {
        created = mkdirSync(folder, { recursive: true }) !== undefined;
        folders.set(folder, created);
      }
      const bytes = Buffer.from(text, "utf8");
      if (!created && readIfFile(target)?.equals(bytes) === true) {
        unchanged.push(relative);
        continue;
      }
      const temp = path.join(folder, `.${path.basename(target)}.${tempSuffix}-${pending.length}.tmp`);
      writeFileSync(temp, bytes, { flag: "wx" });
      pending.push({ temp, target });
      written.push(relative);
    }
  } catch (error) {
    for (const { temp } of pending) rmSync(temp, { force: true });
    throw error;
  }
  for (const { temp, target } of pending) renameSync(temp, target);
  return { written, unchanged, removed: removeStale(dir, tree) };
}

/** Deletes the generated `.nix` files under `dir` that are not in `tree`; returns them, sorted. */
function removeStale(dir: string, tree: ReadonlyMap<string, string>): string[] {
  const stale = generatedFilesUnder(dir).filter((relative) => !tree.has(relative)).sort();
  for (const relative of stale) {
    rmSync(path.join(dir, ...relative.split("/")));
    removeEmptyFolders(dir, path.posix.dirname(relative));
  }
  return stale;
}

/** `/`-separated paths of the regular `.nix` files under `dir` that begin with the generated header. */
function generatedFilesUnder(dir: string, relative = ""): string[] {
  let entries;
  try {
    entries = readdirSync(path.join(dir, relative), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return entries.flatMap((entry) => {
    const name = relative === "" ? entry.name : `${relative}/${entry.name}`;
    // Symbolic links are not followed (nor deleted): writeTree only ever writes regular files.
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name.startsWith(".") ? [] : generatedFilesUnder(dir, name);
    return entry.isFile() && entry.name.endsWith(".nix") && beginsWithMark(path.join(dir, name)) ? [name] : [];
  });
}

function beginsWithMark(file: string): boolean {
  const mark = Buffer.from(GENERATED_MARK, "utf8");
  const head = Buffer.alloc(mark.length);
  const fd = openSync(file, "r");
  try {
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(mark);
  } finally {
    closeSync(fd);
  }
}

/** Removes `relative` and its parents inside `dir` while they are empty. */
function removeEmptyFolders(dir: string, relative: string): void {
  for (let folder = relative; folder !== "."; folder = path.posix.dirname(folder)) {
    try {
      rmdirSync(path.join(dir, ...folder.split("/")));
    } catch {
      return; // not empty (or not ours to remove): stop here
    }
  }
}

/** Throws unless `relative` is a plain relative path that stays inside the tree's folder. */
export function checkTreePath(relative: string): void {
  const parts = relative.split("/");
  const bad = relative.length === 0 || relative.includes("\\") || relative.includes("\0") ||
    parts.some((part) => part === "" || part === "." || part === "..");
  if (bad) throw new TypeError(`writeTree: ${JSON.stringify(relative)} is not a relative path inside the output folder`);
}

function readIfFile(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
