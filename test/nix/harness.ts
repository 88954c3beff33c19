/** Shared helpers for lib/nix tests: batched evaluation by the real Nix, fast-check seeds. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { type Expr, list, type PrintOptions, printFile as printFileWith } from "../../lib/nix/index.js";
import { nixEnv, repoRoot, requireNix } from "../support/nix.js";

const execFileAsync = promisify(execFile);

/** Fixed seed in CI (reproducible), random otherwise; always printed with a failure. */
export function chooseSeed(): number {
  return process.env.CI ? 20240611 : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
}

/** `count` samples of `arbitrary` from `seed`. */
export function samples<T>(arbitrary: fc.Arbitrary<T>, count: number, seed: number): T[] {
  return fc.sample(arbitrary, { numRuns: count, seed });
}

/** Writes `source` to a temp .nix file and runs nix-instantiate on it with `args`. */
async function runNixOnFile(source: string, args: string[]): Promise<string> {
  requireNix();
  const dir = mkdtempSync(join(tmpdir(), "nix2aci-nix-test-"));
  const file = join(dir, "expr.nix");
  try {
    writeFileSync(file, source);
    const { stdout } = await execFileAsync("nix-instantiate", [...args, file], {
      encoding: "utf8",
      env: nixEnv,
      cwd: repoRoot,
      maxBuffer: 512 * 1024 * 1024,
    });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `nix-instantiate --eval --strict --json` of a Nix source text, parsed. */
export async function evalJson(source: string): Promise<unknown> {
  return JSON.parse(await runNixOnFile(source, ["--eval", "--strict", "--json"])) as unknown;
}

/**
 * Evaluates `list(...items)` (printed) in one nix-instantiate call. If Nix fails, bisects to one
 * failing item and throws with its printed text and Nix's error, so a failure is readable.
 * `wrap` turns the printed list into the evaluated source (e.g. `map f (<list>)`).
 */
export async function evalBatch(
  items: readonly Expr[],
  seed: number,
  options: PrintOptions & { readonly wrap?: (listSource: string) => string } = {},
): Promise<unknown[]> {
  const printFile = (expr: Expr): string => (options.wrap ?? ((s) => s))(printFileWith(expr, options));
  try {
    return (await evalJson(printFile(list(...items)))) as unknown[];
  } catch (error) {
    let suspects = [...items];
    let lastError = error;
    while (suspects.length > 1) {
      const half = suspects.slice(0, Math.ceil(suspects.length / 2));
      try {
        await evalJson(printFile(list(...half)));
        suspects = suspects.slice(half.length);
      } catch (halfError) {
        suspects = half;
        lastError = halfError;
      }
    }
    const culprit = suspects[0];
    const shown = culprit === undefined ? "(none found)" : printFileWith(culprit, options);
    throw new Error(`Nix rejected a batch (seed ${seed}); one failing item prints as:\n${shown}\n${errorText(lastError)}`);
  }
}

/** `nix-instantiate --parse`: resolves when Nix parses the text, rejects with its error otherwise. */
export async function parseNix(source: string): Promise<string> {
  return runNixOnFile(source, ["--parse"]);
}

/** Error text of a failed child process, for assertion messages. */
export function errorText(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  return e.stderr ?? e.message ?? String(error);
}
