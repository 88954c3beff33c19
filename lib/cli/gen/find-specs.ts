import { readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../args.js";

/** A spec module found on the command line. */
export interface SpecFile {
  /** Absolute path. */
  readonly absolute: string;
  /** `/`-separated path relative to the inputs' common folder: the generated tree mirrors it. */
  readonly relative: string;
}

const specExtension = /\.(ts|mts|js|mjs)$/;
const notSpec = /\.(d\.ts|d\.mts|test\.ts|spec\.ts)$/;

/**
 * The spec files named by the inputs: files as given, folders walked (sorted, so the result does
 * not depend on directory order). Relative paths are taken from the common folder of all inputs
 * (a folder input counts as itself, a file input as its folder).
 */
export function findSpecFiles(inputs: readonly string[], cwd: string): SpecFile[] {
  const found: string[] = [];
  const roots: string[] = [];
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch {
      throw new UsageError(`${input}: no such file or folder`);
    }
    if (isDirectory) {
      roots.push(absolute);
      const before = found.length;
      walk(absolute, found);
      if (found.length === before) throw new UsageError(`${input}: no spec files in this folder`);
    } else {
      roots.push(path.dirname(absolute));
      found.push(absolute);
    }
  }
  const base = commonFolder(roots);
  const seen = new Set<string>();
  const files: SpecFile[] = [];
  for (const absolute of found) {
    const real = realpathSync.native(absolute);
    if (seen.has(real)) continue;
    seen.add(real);
    files.push({ absolute, relative: path.relative(base, absolute).split(path.sep).join("/") });
  }
  return files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

function walk(dir: string, into: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name.startsWith("_") || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, into);
    else if (entry.isFile() && specExtension.test(entry.name) && !notSpec.test(entry.name)) into.push(full);
  }
}

function commonFolder(folders: readonly string[]): string {
  const split = folders.map((folder) => folder.split(path.sep));
  const first = split[0] ?? [];
  let length = first.length;
  for (const parts of split) {
    let same = 0;
    while (same < Math.min(length, parts.length) && parts[same] === first[same]) same++;
    length = same;
  }
  return first.slice(0, length).join(path.sep) || path.sep;
}
