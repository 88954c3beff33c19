/**
 * The published declarations stand on their own: a consumer compiled with `skipLibCheck: false`
 * and Node 20's types (the oldest Node nix2aci supports) type-checks against the built package
 * (dist/, which `npm test` builds before running the tests; `npm run build` when run alone).
 * node-tar's declarations, for one, need newer Node types (zlib's Zstd classes): they must not be
 * reachable from ours.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/nix.js";

const consumer = `
import * as everything from "nix2aci";
import { readImage, runImage, parseRunArgs, RunError, ImageError, type ImageInfo, type ImageManifest, type RunOptions } from "nix2aci";

export async function describeImage(file: string): Promise<string> {
  const info: ImageInfo = await readImage(file);
  const manifest: ImageManifest = info.manifest;
  return \`\${manifest.name} \${info.imageId} \${manifest.app?.mountPoints?.map((mp) => mp.path).join(",") ?? ""}\`;
}

export async function start(argv: string[]): Promise<number> {
  const options: RunOptions = parseRunArgs(argv);
  try {
    return await runImage(options);
  } catch (error) {
    if (error instanceof RunError) return error.exitStatus;
    if (error instanceof ImageError) return 125;
    throw error;
  }
}

export const names = Object.keys(everything);
`;

describe("the package's declarations", () => {
  it("compile in a consumer with skipLibCheck: false and Node 20 types", async () => {
    const types = path.join(repoRoot, "dist/lib/index.d.ts");
    expect(existsSync(types), `${types} is missing: build the package first (npm run build)`).toBe(true);
    const dir = await mkdtemp(path.join(tmpdir(), "nix2aci-consumer-"));
    const modules = path.join(dir, "project", "node_modules");
    mkdirSync(path.join(modules, "@types"), { recursive: true });
    symlinkSync(repoRoot, path.join(modules, "nix2aci"));
    symlinkSync(path.join(repoRoot, "node_modules/@types/node"), path.join(modules, "@types/node"));
    const nodeTypes = JSON.parse(readFileSync(path.join(modules, "@types/node/package.json"), "utf8")) as { version: string };
    expect(nodeTypes.version).toMatch(/^20\./);
    const project = path.join(dir, "project");
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    writeFileSync(path.join(project, "index.ts"), consumer);
    writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", skipLibCheck: false, noEmit: true, types: ["node"] },
        files: ["index.ts"],
      }),
    );
    const tsc = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", project], { encoding: "utf8" });
    expect(`${tsc.stdout}${tsc.stderr}`).toBe("");
    expect(tsc.status).toBe(0);
  });
});
