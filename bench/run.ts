/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line), prints
 * their reports and writes them, with the machine and date, to docs/benchmarks.md.
 * A bench module's default export is `(opts: BenchOptions) => Promise<string>` returning Markdown.
 */
import { readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface BenchOptions {
  /** Small sizes only: used by CI to keep the benchmarks working, not to measure. */
  readonly smoke: boolean;
}

const benchDir = fileURLToPath(new URL(".", import.meta.url));
const args = process.argv.slice(2);
const smoke = args.includes("--smoke") || process.env.BENCH_SMOKE === "1";
const wanted = args.filter((a) => !a.startsWith("--"));
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

const sections: string[] = [];
for (const file of files) {
  process.stderr.write(`bench: ${file}\n`);
  const module = (await import(pathToFileURL(`${benchDir}/${file}`).href)) as {
    default: (opts: BenchOptions) => Promise<string>;
  };
  const report = await module.default({ smoke });
  process.stdout.write(`${report}\n`);
  sections.push(report);
}

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
const header =
  `# Benchmarks\n\nMachine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
  `Node ${process.version}, ${os.type()} ${os.release()}. Date: ${new Date().toISOString().slice(0, 10)}.` +
  `${smoke ? " SMOKE sizes: not measurements." : ""}\n\nRegenerate with \`npm run bench\`.\n`;
if (!smoke && wanted.length === 0) {
  writeFileSync(new URL("../docs/benchmarks.md", import.meta.url), `${header}\n${sections.join("\n")}\n`);
}
