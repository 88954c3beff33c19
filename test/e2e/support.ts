/** The README's command blocks, typed verbatim by a shell in a new user's project. */
import { spawnSync } from "node:child_process";
import { readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { copyRepoSources } from "../flake/support.js";
import { repoRoot } from "../support/nix.js";

const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");

/** The commands of every ```sh block under the heading `heading` (up to the next heading), comments dropped. */
export function readmeCommandBlocks(heading: string): string[][] {
  const section = readme.split(`${heading}\n`)[1]?.split(/\n#{2,3} /)[0] ?? "";
  return [...section.matchAll(/```sh\n([^]*?)```/g)].map((block) =>
    (block[1] ?? "")
      .split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter((line) => line !== ""),
  );
}

const STEP = "@@nix2aci-readme-step@@";

/**
 * Types `commands` in order into one bash, as a user would in one terminal (an `export` or a `cd`
 * holds for the commands after it), in `cwd`; each must succeed (`set -e`). `substitute` maps a
 * command to what is typed instead (each caller says why). Returns each command's output (stdout
 * and stderr together).
 */
export function typeCommands(commands: readonly string[], cwd: string, env: NodeJS.ProcessEnv, substitute: (command: string) => string = (command) => command): string[] {
  const typed = commands.map(substitute);
  const script = ["set -e", "exec 2>&1", ...typed.flatMap((command) => [command, `printf '\\n%s\\n' '${STEP}'`])].join("\n");
  const run = spawnSync("bash", ["-c", script], { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const outputs = run.stdout.split(`\n${STEP}\n`);
  const failed = typed[outputs.length - 1];
  expect(run.status, `${failed ?? "(after the last command)"}\n${outputs.at(-1) ?? ""}`).toBe(0);
  return outputs.slice(0, typed.length);
}

/**
 * `work/nix2aci`: the folder a user's clone of nix2aci is, as the README's Quick start expects it
 * beside the project: the repository's files, with `node_modules` linked from this checkout
 * (what `npm ci` would install; tests do not reach the registry) and no `dist/` yet.
 */
export function cloneBeside(work: string): string {
  const clone = copyRepoSources(path.join(work, "nix2aci"));
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(clone, "node_modules"));
  return clone;
}

/** The README's `(cd nix2aci && npm ci && npm pack)`, typed without `npm ci` (cloneBeside stands for it). */
export function withoutNpmCi(command: string): string {
  return command.replace(/\bnpm ci && /, "");
}
