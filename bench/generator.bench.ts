/**
 * nix2aci-gen on a folder of many spec files, as a user runs it: a new `node bin/nix2aci-gen.js
 * --out-dir …` process each time (package built like the published one). Reports the median of
 * several runs, and the peak resident memory of the process. nix2aci-gen keeps no cache: every
 * run compiles every spec (esbuild, one build for all) and runs it.
 *   - cold: spec files at paths no run has loaded before, into an empty output folder;
 *   - warm: the same spec files again, into an empty output folder;
 *   - unchanged: the output folder is already up to date (nothing is written).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildInstalledPackage } from "../test/cli/installed-package.js";

interface BenchOptions {
  readonly smoke: boolean;
}

const work = fileURLToPath(new URL("../.bench-work/generator/", import.meta.url));

/** The i-th spec: ports, environment, params with `when`, a variant, isolators. */
function specSource(i: number): string {
  return `import { defineACI, param, pkgs, when } from "nix2aci";

export default defineACI({
  name: "bench.example/service-${i}",
  version: "1.${i}.0",
  params: { static: ${i % 2 === 0} },
  packages: [when(param("static"), pkgs.pkgsStatic.busybox, pkgs.busybox), pkgs.hello],
  exec: ["/bin/busybox", "httpd", "-f", "-p", "${8000 + (i % 1000)}", "-h", "/srv/www"],
  environment: { SERVICE: "service-${i}", QUOTED: "a \\"b\\" \${c} ''d''", LINES: "one\\ntwo\\n" },
  ports: [{ name: "http", protocol: "tcp", port: ${8000 + (i % 1000)} }],
  mountPoints: [{ name: "www", path: "/srv/www", readOnly: true }],
  isolators: [{ name: "resource/memory", value: { limit: "64Mi" } }],
  variants: { service${i}Thin: { thin: true } },
});
`;
}

interface Run {
  readonly seconds: number;
  readonly maxRssMiB: number;
  /** CPU time of the process and of the esbuild service it started. */
  readonly cpuSeconds: number;
}

// Prints the process's peak RSS and its CPU time as it exits, and that of its children still
// running then (esbuild's service, which no one waits for, so no rusage counts it): Node's own
// figures and /proc, no external `time` needed. CPU time is less disturbed by a busy machine.
const probe = [
  "process.on('exit',()=>{",
  "const r=process.resourceUsage();let c=0;",
  "try{for(const p of require('child_process').execSync('pgrep -P '+process.pid,{encoding:'utf8'}).split('\\n').filter(Boolean)){",
  "const f=require('fs').readFileSync('/proc/'+p+'/stat','utf8').split(') ')[1].split(' ');c+=(Number(f[11])+Number(f[12]))*10}}catch{}",
  "process.stderr.write('maxrss-kib='+r.maxRSS+' cpu-ms='+Math.round((r.userCPUTime+r.systemCPUTime)/1000+c)+'\\n')})",
].join("");
const rssProbe = `data:text/javascript,import{createRequire}from"node:module";const require=createRequire("/");${encodeURIComponent(probe)}`;

function runOnce(bin: string, outDir: string, specDir: string, env: NodeJS.ProcessEnv): Run {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--import", rssProbe, bin, "--out-dir", outDir, specDir], { encoding: "utf8", env });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`nix2aci-gen failed (${result.status}):\n${result.stderr}`);
  const probed = /maxrss-kib=(\d+) cpu-ms=(\d+)/.exec(result.stderr);
  return { seconds, maxRssMiB: Number(probed?.[1] ?? 0) / 1024, cpuSeconds: Number(probed?.[2] ?? 0) / 1000 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export default async function generatorBench({ smoke }: BenchOptions): Promise<string> {
  const count = smoke ? 20 : 1000;
  const runs = 5;
  rmSync(work, { recursive: true, force: true });
  const bin = buildInstalledPackage(path.join(work, "project/node_modules/nix2aci"));
  const specDir = path.join(work, "project/specs");
  for (let i = 0; i < count; i++) {
    const file = path.join(specDir, `group-${String(i % 10)}`, `service-${String(i).padStart(4, "0")}.ts`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, specSource(i));
  }
  const outDir = path.join(work, "project/nix");
  const fresh = (specs: string): Run => {
    rmSync(outDir, { recursive: true, force: true });
    return runOnce(bin, outDir, specs, process.env);
  };
  let copies = 0;
  const scenarios: [string, () => Run][] = [
    // Spec files at paths never loaded before (a fresh copy each run): nothing keyed on a path helps.
    ["cold: specs never loaded before, empty output folder", () => {
      const copy = path.join(work, `project/specs-${copies++}`);
      cpSync(specDir, copy, { recursive: true });
      return fresh(copy);
    }],
    ["warm: the same specs again, empty output folder", () => fresh(specDir)],
    ["warm: output up to date", () => runOnce(bin, outDir, specDir, process.env)],
  ];
  const rows: string[] = [];
  for (const [label, run] of scenarios) {
    const results = Array.from({ length: runs }, run);
    const seconds = median(results.map((r) => r.seconds));
    const rss = Math.max(...results.map((r) => r.maxRssMiB));
    const cpu = median(results.map((r) => r.cpuSeconds));
    rows.push(`| ${label} | ${seconds.toFixed(2)} s | ${cpu.toFixed(2)} s | ${((seconds / count) * 1000).toFixed(2)} ms | ${rss.toFixed(0)} MiB |`);
  }
  return [
    `## nix2aci-gen: ${count} spec files → tree (cold process each run)`,
    "",
    `\`node bin/nix2aci-gen.js --out-dir nix specs\` on ${count} generated spec files (each with params, \`when\`, a variant, ports, environment, an isolator): ${count + 1} output files (the thin variants are calls in default.nix). Median of ${runs} runs; peak RSS is the largest of the runs.`,
    "",
    "| scenario | median wall time | median CPU time (with esbuild's) | per spec (wall) | peak RSS |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
