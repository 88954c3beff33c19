/**
 * nix/build-aci.sh's thin-image loop (one mount point per store path) outside Nix: its earlier
 * form with three processes per path (thin-loop-with-forks.sh) and the one build-aci.sh uses now,
 * without a process per path (thin-loop-without-forks.sh), to show what the forks cost. The caller checks that both write the same bytes.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { measure, type Measured } from "./measure.js";

const scripts = {
  "with forks": fileURLToPath(new URL("thin-loop-with-forks.sh", import.meta.url)),
  "without forks": fileURLToPath(new URL("thin-loop-without-forks.sh", import.meta.url)),
} as const;

export interface LoopRun {
  readonly run: Measured;
  readonly mounts: string;
  readonly jsonl: string;
}

export function runThinLoop(version: keyof typeof scripts, storePaths: readonly string[], work: string): LoopRun {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(path.join(work, "rootfs/nix/store"), { recursive: true });
  writeFileSync(path.join(work, "paths"), storePaths.map((p) => `${p}\n`).join(""));
  const wrapper = [
    "set -eu -o pipefail",
    'rootfs=$PWD/rootfs mounts=$PWD/mounts jsonl=$PWD/mount-points.jsonl',
    ': > "$mounts"; : > "$jsonl"',
    'storePaths=(); while IFS= read -r path; do storePaths+=("$path"); done < paths',
    'source "$1"',
  ].join("\n");
  const run = measure(["bash", "-c", wrapper, "bash", scripts[version]], { cwd: work });
  const result = {
    run,
    mounts: readFileSync(path.join(work, "mounts"), "utf8"),
    jsonl: readFileSync(path.join(work, "mount-points.jsonl"), "utf8"),
  };
  rmSync(work, { recursive: true, force: true });
  return result;
}
