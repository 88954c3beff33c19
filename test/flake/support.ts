/**
 * Helpers for the flake tests: the repository as a flake sees it (tracked and untracked-but-not-
 * ignored files, copied into a temporary folder: fast, no node_modules, and uncommitted work
 * included), the host-pkgs stand-in for nixpkgs, and `nix` with flakes enabled.
 */
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll } from "vitest";
import { nixEnv, nixEvalJson, repoRoot } from "../support/nix.js";
import { requireTool } from "../support/tools.js";

const execFileAsync = promisify(execFile);

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) {
    // Nix leaves store copies read-only; flake init and builds do not, but be safe.
    execFileSync("chmod", ["-R", "u+w", dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A fresh temporary folder, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `nix2aci-${prefix}-`));
  made.push(dir);
  return dir;
}

/**
 * Copies the files a flake of this repository would see (as `git+file:` does, plus untracked
 * files git does not ignore, so uncommitted work is tested too) into `dest`; returns `dest`.
 */
export function copyRepoSources(dest: string): string {
  requireTool("git", "git");
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of new Set(listed.split("\0").filter((name) => name.length > 0))) {
    const from = path.join(repoRoot, file);
    let stat;
    try {
      stat = lstatSync(from);
    } catch {
      continue; // tracked but deleted in the working tree: a flake of the working tree lacks it too
    }
    const to = path.join(dest, file);
    mkdirSync(path.dirname(to), { recursive: true });
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (stat.isFile()) copyFileSync(from, to);
  }
  return dest;
}

/** `scripts/host-nixpkgs-flake.sh dir`: the nixpkgs stand-in flake; returns `dir`. */
export function makeHostNixpkgsFlake(dir: string): string {
  execFileSync("bash", [path.join(repoRoot, "scripts/host-nixpkgs-flake.sh"), dir], { stdio: "pipe" });
  return dir;
}

export interface NixRun {
  readonly stdout: string;
  readonly stderr: string;
}

/** `nix ARGS` with flakes enabled and the host settings; rejects with stderr on failure. */
export async function nixFlakes(args: readonly string[], cwd: string = repoRoot): Promise<NixRun> {
  requireTool("nix", "nix-bin");
  try {
    const { stdout, stderr } = await execFileAsync("nix", ["--extra-experimental-features", "nix-command flakes", ...args], {
      cwd,
      env: nixEnv,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    return { stdout, stderr };
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`nix ${args.join(" ")} failed:\n${failed.stderr ?? failed.message}`);
  }
}

/** Every file under `dir` (dotfiles included) as relative path → contents. */
export function readTree(dir: string): Map<string, string> {
  const tree = new Map<string, string>();
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const name = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) walk(name);
      else tree.set(name, readFileSync(path.join(dir, name), "utf8"));
    }
  };
  walk("");
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The commands the flake template's welcome text gives, read off `templatesFlake` (a templates/flake.nix). */
export interface WelcomeCommands {
  /** `mv gitignore .gitignore && git init -q && git add -A`: makes the new folder a repository. */
  readonly start: string;
  /** `nix build .#hello` */
  readonly build: string;
}

export function templateWelcomeCommands(templatesFlake: string): WelcomeCommands {
  const text = nixEvalJson(`((import ${templatesFlake}).outputs { }).templates.default.welcomeText`) as string;
  const command = (label: string): string => {
    const found = new RegExp(`^- ${label}: \`([^\`]+)\``, "m").exec(text)?.[1];
    if (found === undefined) throw new Error(`the template's welcome text has no "- ${label}: \`…\`" line:\n${text}`);
    return found;
  };
  return { start: command("Start"), build: command("Build") };
}
