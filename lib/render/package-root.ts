import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder of the nix2aci package this code runs from: the repository in development
 * (`lib/render/*.ts`), or the installed package (`dist/lib/render/*.js`). Found by walking up to
 * the package.json named "nix2aci", so both layouts give the same answer.
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && packageName(manifest) === "nix2aci") return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("nix2aci: cannot find the nix2aci package folder above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** nix2aci's own version, from its package.json. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version?: unknown };
  return typeof manifest.version === "string" ? manifest.version : "0.0.0";
}

function packageName(manifestPath: string): unknown {
  try {
    return (JSON.parse(readFileSync(manifestPath, "utf8")) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}
