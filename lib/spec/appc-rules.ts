/**
 * Value rules only specs have (the generator's side of GENERATOR_ONLY in arguments/table.ts):
 * well-known annotation values, resource quantities and errno names of the typed isolators, and
 * the text every spec string must be. Each mirrors what actool 0.8.11 (Debian appc-spec, built
 * with Go 1.19) accepts, or is stricter where lib/spec/README.md says so.
 */
import { isGoQuantity } from "./go-parsers.js";

/** A Nix identifier that is not a keyword (variant and param names become Nix attribute names). */
export const NIX_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;
export const NIX_KEYWORDS: ReadonlySet<string> = new Set([
  "if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or",
]);

export const MSG = {
  noNul: "must not contain a NUL character",
  unicode: "must be valid Unicode text (no lone UTF-16 surrogate): Nix cannot hold it",
  rfc3339: "must be an RFC 3339 date-time such as 1970-01-01T00:00:00Z",
  httpUrl: "must be an http or https URL",
  quantity: 'must be a resource quantity such as "500m", "1.5", "128Mi" or a number',
} as const;

export const hasNul = (s: string): boolean => s.includes("\u0000");
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const hasLoneSurrogate = (s: string): boolean => LONE_SURROGATE.test(s);

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

// Go 1.19 time.Parse(time.RFC3339, s): 4-digit year, 1-2 digit hour, fractional seconds after
// "." or ",", zone "Z" or ±hh:mm. Go takes any two digits for the zone; we want a real offset
// (hh <= 23, mm <= 59): deliberately stricter.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,]\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** RFC 3339 date-time as Go's time.Parse(time.RFC3339) accepts it (with range checks). */
export function isRfc3339(s: string): boolean {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second, zh, zm] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  if (month === undefined || month < 1 || month > 12) return false;
  if (day === undefined || year === undefined || day < 1 || day > daysIn(month, year)) return false;
  if (hour === undefined || hour > 23 || (minute ?? 60) > 59 || (second ?? 60) > 59) return false;
  return (zh ?? 0) <= 23 && (zm ?? 0) <= 59;
}

/**
 * An absolute http(s) URL with a host: scheme http or https (any case), a host name or [IPv6]
 * address, an optional numeric port, then printable ASCII without spaces, and only valid
 * %-escapes. Go's url.Parse (what actool runs) takes much more (spaces, no host, `http:x`):
 * deliberately stricter, and everything accepted here Go accepts too.
 */
export function isHttpUrl(s: string): boolean {
  const m = /^https?:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]*)?([/?#][\x21-\x7e]*)?$/i.exec(s);
  return m !== null && !/%(?![0-9A-Fa-f]{2})/.test(s);
}

/**
 * A resource quantity in a spec: a finite number, or sign, digits and an optional suffix. A subset
 * of what the appc (Kubernetes) parser takes (which also takes `-` or `1.`), checked by it too.
 */
export function isQuantity(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value) && isGoQuantity(JSON.stringify(value));
  if (typeof value !== "string") return false;
  return /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/.test(value) && isGoQuantity(value);
}

/** seccomp errno as actool checks it: starts with E, then upper case letters or digits (Unicode). */
export const isErrno = (s: string): boolean => s === "" || /^E[\p{Lu}\p{N}]*$/u.test(s);
