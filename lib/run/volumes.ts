/**
 * rkt's volume and mount flags, parsed exactly:
 *   --volume NAME,kind=host,source=PATH[,readOnly=true|false][,recursive=true|false]
 *   --volume NAME,kind=empty[,readOnly=..][,mode=0755][,uid=N][,gid=N]
 *   --mount volume=NAME,target=PATH
 * A path containing ',' cannot be written (as in rkt).
 */
import { RunError } from "./errors.js";

export const AC_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export type Volume =
  | { readonly name: string; readonly kind: "host"; readonly source: string; readonly readOnly: boolean }
  | {
      readonly name: string;
      readonly kind: "empty";
      readonly readOnly: boolean;
      readonly mode: number;
      readonly uid: number;
      readonly gid: number;
    };

export interface MountRequest {
  readonly volume: string;
  readonly target: string;
}

function keyValues(flag: string, text: string, parts: readonly string[]): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (eq <= 0) throw new RunError(`${flag} '${text}': '${part}' is not KEY=VALUE`);
    const key = part.slice(0, eq);
    if (pairs.has(key)) throw new RunError(`${flag} '${text}': '${key}' given twice`);
    pairs.set(key, part.slice(eq + 1));
  }
  return pairs;
}

function parseBool(flag: string, text: string, key: string, value: string | undefined): boolean {
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  throw new RunError(`${flag} '${text}': ${key} must be true or false, not '${value}'`);
}

function parseUint(flag: string, text: string, key: string, value: string | undefined, fallback: number, radix = 10): number {
  if (value === undefined) return fallback;
  const pattern = radix === 8 ? /^[0-7]{1,4}$/ : /^\d{1,10}$/;
  if (!pattern.test(value)) throw new RunError(`${flag} '${text}': ${key} '${value}' is not a valid ${radix === 8 ? "octal mode" : "number"}`);
  return Number.parseInt(value, radix);
}

function rejectUnknown(flag: string, text: string, pairs: Map<string, string>, allowed: readonly string[]): void {
  for (const key of pairs.keys()) {
    if (!allowed.includes(key)) throw new RunError(`${flag} '${text}': unknown option '${key}' (allowed: ${allowed.join(", ")})`);
  }
}

export function parseVolume(text: string): Volume {
  const [name = "", ...rest] = text.split(",");
  if (!AC_NAME.test(name)) {
    throw new RunError(`--volume '${text}': the name '${name}' is not a valid AC Name (lower-case letters, digits, single '-')`);
  }
  const pairs = keyValues("--volume", text, rest);
  const kind = pairs.get("kind");
  const readOnly = parseBool("--volume", text, "readOnly", pairs.get("readOnly"));
  if (kind === "host") {
    rejectUnknown("--volume", text, pairs, ["kind", "source", "readOnly", "recursive"]);
    const source = pairs.get("source");
    if (source === undefined || !source.startsWith("/")) {
      throw new RunError(`--volume '${text}': kind=host needs source=ABSOLUTE-PATH`);
    }
    // Bind mounts here are always recursive (rkt's default); recursive=false is refused, not ignored.
    if (parseBool("--volume", text, "recursive", pairs.get("recursive") ?? "true") === false) {
      throw new RunError(`--volume '${text}': recursive=false is not supported (bubblewrap binds are recursive)`);
    }
    return { name, kind, source, readOnly };
  }
  if (kind === "empty") {
    rejectUnknown("--volume", text, pairs, ["kind", "readOnly", "mode", "uid", "gid"]);
    return {
      name,
      kind,
      readOnly,
      mode: parseUint("--volume", text, "mode", pairs.get("mode"), 0o755, 8),
      uid: parseUint("--volume", text, "uid", pairs.get("uid"), 0),
      gid: parseUint("--volume", text, "gid", pairs.get("gid"), 0),
    };
  }
  throw new RunError(`--volume '${text}': kind must be 'host' or 'empty', not '${kind ?? "(missing)"}'`);
}

export function parseMount(text: string): MountRequest {
  const pairs = keyValues("--mount", text, text.split(","));
  rejectUnknown("--mount", text, pairs, ["volume", "target"]);
  const volume = pairs.get("volume");
  const target = pairs.get("target");
  if (volume === undefined || !AC_NAME.test(volume)) throw new RunError(`--mount '${text}': volume=NAME (an AC Name) is required`);
  if (target === undefined || !target.startsWith("/")) throw new RunError(`--mount '${text}': target=ABSOLUTE-PATH is required`);
  return { volume, target };
}
