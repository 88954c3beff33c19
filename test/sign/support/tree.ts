/** Helpers to look at OUTDIR and result folders from the tests. */
import { execFileSync } from "node:child_process";
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../../support/tools.js";

export interface EntrySnapshot {
  readonly kind: "link" | "file" | "dir";
  readonly ino: number;
  readonly mtimeMs: number;
  readonly target?: string;
  readonly size: number;
}

/** Name -> what it is, its inode and mtime: equal snapshots mean nothing was touched. */
export function snapshot(dir: string): Record<string, EntrySnapshot> {
  const entries: Record<string, EntrySnapshot> = {};
  for (const name of readdirSync(dir).sort()) {
    const stat = lstatSync(join(dir, name));
    const kind = stat.isSymbolicLink() ? "link" : stat.isDirectory() ? "dir" : "file";
    entries[name] = {
      kind,
      ino: stat.ino,
      mtimeMs: stat.mtimeMs,
      size: stat.size,
      ...(kind === "link" ? { target: readlinkSync(join(dir, name)) } : {}),
    };
  }
  return entries;
}

const created: string[] = [];

/** A fresh temporary folder, removed by removeTempDirs(). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `nix2aci-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Removes every folder tempDir() made (read-only result folders included). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) {
    execFileSync("chmod", ["-R", "u+w", dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A PATH folder holding the tools postprocess.sh needs, but no gpg: so "gpg is missing" can be
 * tested on a host that has it.
 */
export function pathWithoutGpg(): string {
  const dir = tempDir("nogpg-bin");
  const tools = ["bash", "env", "readlink", "dirname", "basename", "mktemp", "mv", "ln", "rm", "mkdir", "od", "tr", "tar", "gzip", "awk", "grep", "sed", "cat", "cmp", "head", "tty"];
  for (const tool of tools) symlinkSync(requireTool(tool, "coreutils"), join(dir, tool));
  return dir;
}

/** Writes an executable shell script. */
export function writeScript(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** `gpgv` with exactly the given armored public keys as its keyring: exit 0 for a good signature. */
export function gpgvAccepts(signature: string, file: string, armoredKeys: readonly string[], env: NodeJS.ProcessEnv): boolean {
  requireTool("gpgv", "gpgv");
  const dir = tempDir("gpgv");
  const keyring = join(dir, "keyring.gpg");
  // gpg --dearmor turns the armored keys into the binary keyring gpgv reads.
  const binary = armoredKeys.map((armored) => execFileSync("gpg", ["--batch", "--dearmor"], { input: armored, env }));
  writeFileSync(keyring, Buffer.concat(binary));
  try {
    execFileSync("gpgv", ["--keyring", keyring, "--", signature, file], { env, stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}
