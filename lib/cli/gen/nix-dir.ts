import { existsSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../../render/package-root.js";

/**
 * nix2aci's `nix/` folder as a `/`-separated path relative to the output folder, for the default
 * `mkACI` of the generated default.nix. Without `--nix-dir`: the nearest
 * `node_modules/nix2aci/nix` above the output folder (a user's project; the link itself, not
 * where a package manager really stored it), else the nix/ folder of the nix2aci running now
 * (this repository, for its examples).
 */
export function nixDirFor(outDir: string, given: string | undefined): string {
  const target = given ?? installedNixDir(outDir) ?? path.join(packageRoot(), "nix");
  const relative = path.relative(outDir, target).split(path.sep).join("/");
  return relative === "" ? "." : relative;
}

function installedNixDir(outDir: string): string | undefined {
  for (let dir = outDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", "nix2aci", "nix");
    if (existsSync(path.join(candidate, "default.nix"))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}
