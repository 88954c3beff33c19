import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** What {@link writeTree} did, as paths relative to the tree's folder, in tree order. */
export interface WriteTreeReport {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
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
  return { written, unchanged };
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
