import { execFileSync } from "node:child_process";

/**
 * The absolute path of a required host tool. Throws when it is missing: tests that need a real tool
 * must FAIL in CI, never skip, so a missing install step cannot hide behind a green run.
 */
export function requireTool(name: string, debianPackage: string): string {
  try {
    return execFileSync("sh", ["-c", `command -v "$1"`, "sh", name], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(
      `required tool '${name}' is not installed (Debian package '${debianPackage}'); ` +
        `run .ci/run or apt-get install ${debianPackage}`,
    );
  }
}
