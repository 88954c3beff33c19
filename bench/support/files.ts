/** Byte comparison of (possibly large) files without reading them whole into memory. */
import { spawnSync } from "node:child_process";

/** `cmp -s a b`: true when the bytes are the same; throws when cmp cannot compare them. */
export function sameBytes(a: string, b: string): boolean {
  const result = spawnSync("cmp", ["-s", a, b]);
  if (result.status === 0) return true;
  if (result.status === 1) return false;
  throw new Error(`cmp ${a} ${b} failed (exit ${String(result.status)})`);
}
