/** Host programs `run` needs, found on PATH. */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { RunError } from "./errors.js";

const found = new Map<string, string>();

export function findTool(name: string, debianPackage: string): string {
  const path = process.env["PATH"] ?? "";
  const key = `${name}\0${path}`;
  const cached = found.get(key);
  if (cached !== undefined) return cached;
  const dirs = path.split(delimiter);
  for (const dir of dirs) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      found.set(key, candidate);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new RunError(`'${name}' is not installed: nix2aci run needs it (Debian package '${debianPackage}')`);
}
