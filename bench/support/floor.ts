/**
 * The floor of packing an image: one `tar --sort=name` of a folder holding `manifest` and
 * `rootfs` (the tar options of nix/build-aci.sh, so the stream is the same bytes), piped into a
 * compressor. No Nix, no copying, no rootfs preparation: what any packer must at least spend.
 */
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { measureShell, type Measured } from "./measure.js";

const tarOptions = "--create --file=- --format=gnu --sort=name --mtime=@1 --owner=0 --group=0 --numeric-owner";

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** `tar … | COMPRESSOR > out`, timed; `compressor` is a shell word list such as `pigz -n`. */
export function floor(tree: string, compressor: string, out: string): Measured {
  return measureShell(`tar ${tarOptions} -C ${quote(tree)} manifest rootfs | ${compressor} > ${quote(out)}`);
}

/** Writes the uncompressed tar stream to `out` and returns its size in bytes. */
export function writeTar(tree: string, out: string): number {
  execFileSync("bash", ["-euo", "pipefail", "-c", `tar ${tarOptions} -C ${quote(tree)} manifest rootfs > ${quote(out)}`]);
  return statSync(out).size;
}

/** Number of regular files under the tree. */
export function fileCount(tree: string): number {
  return Number(execFileSync("bash", ["-c", `find ${quote(tree)}/rootfs -type f | wc -l`], { encoding: "utf8" }).trim());
}
