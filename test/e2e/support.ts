/** The README's command blocks, typed verbatim by a shell in a new user's project. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
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
 * Types `commands` in order into one bash, as a user would in one terminal (an `export` holds for
 * the commands after it), in `cwd`; each must succeed (`set -e`). The one substitution: nix2aci
 * itself comes from `tarball` (it is not in the registry). Returns each command's output (stdout
 * and stderr together).
 */
export function typeCommands(commands: readonly string[], cwd: string, env: NodeJS.ProcessEnv, tarball: string): string[] {
  const typed = commands.map((command) => (command === "npm install --save-dev nix2aci" ? `npm install --save-dev ${tarball}` : command));
  const script = ["set -e", "exec 2>&1", ...typed.flatMap((command) => [command, `printf '\\n%s\\n' '${STEP}'`])].join("\n");
  const run = spawnSync("bash", ["-c", script], { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const outputs = run.stdout.split(`\n${STEP}\n`);
  const failed = typed[outputs.length - 1];
  expect(run.status, `${failed ?? "(after the last command)"}\n${outputs.at(-1) ?? ""}`).toBe(0);
  return outputs.slice(0, typed.length);
}
