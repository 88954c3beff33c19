/**
 * Runs `actool validate` (the appc reference validator) on many manifests with few processes:
 * chunks of files per process, a few processes at a time. actool returns at once after a file it
 * cannot read as a manifest at all (bad acKind or acVersion; that file gets its line) and panics
 * on some inputs (a known isolator without a value; that file gets none): the chunk is then
 * resumed after that file.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../support/tools.js";

export interface ActoolVerdict {
  readonly valid: boolean;
  /** actool's own words, "crashed" for a panic. */
  readonly message: string;
}

const CHUNK = 100;

function run(actool: string, files: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(actool, ["-debug", "validate", "--type=manifest", ...files], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

async function validateChunk(actool: string, files: readonly string[], verdicts: Map<string, ActoolVerdict>): Promise<void> {
  let start = 0;
  while (start < files.length) {
    const batch = files.slice(start);
    const { stderr } = await run(actool, batch);
    for (const line of stderr.split("\n")) {
      const file = batch.find((f) => line.startsWith(`${f}: `));
      if (file === undefined) continue;
      const rest = line.slice(file.length + 2);
      verdicts.set(file, { valid: rest === "valid ImageManifest", message: rest });
    }
    const stuck = batch.findIndex((f) => !verdicts.has(f));
    if (stuck === -1) return;
    if (stderr.includes("panic:")) {
      verdicts.set(batch[stuck] as string, { valid: false, message: "crashed" });
      start += stuck + 1;
    } else if (stuck === 0) {
      throw new Error(`actool gave no verdict for ${batch[0] ?? ""}: ${stderr}`);
    } else {
      start += stuck;
    }
  }
}

/** The verdict of `actool validate --type=manifest` on each JSON text, in order. */
export async function actoolValidate(jsonTexts: readonly string[]): Promise<ActoolVerdict[]> {
  const actool = requireTool("actool", "appc-spec");
  const dir = mkdtempSync(join(tmpdir(), "nix2aci-actool-"));
  try {
    const files = jsonTexts.map((text, i) => {
      const file = join(dir, `m${String(i).padStart(6, "0")}.json`);
      writeFileSync(file, text);
      return file;
    });
    const verdicts = new Map<string, ActoolVerdict>();
    const chunks: string[][] = [];
    for (let i = 0; i < files.length; i += CHUNK) chunks.push(files.slice(i, i + CHUNK));
    const workers = Array.from({ length: Math.min(8, availableParallelism()) }, async () => {
      for (let chunk = chunks.shift(); chunk !== undefined; chunk = chunks.shift()) {
        await validateChunk(actool, chunk, verdicts);
      }
    });
    await Promise.all(workers);
    return files.map((f) => verdicts.get(f) ?? { valid: false, message: "no verdict" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
