/**
 * Ports of the parsers actool 0.8.11 runs on manifest values, where a regular expression would not
 * say the same thing: coreos/go-semver (acVersion) and the Kubernetes resource.Quantity parser
 * (resource isolator request/limit).
 */

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/** strconv.ParseInt(s, 10, 64) succeeds. */
function goParseInt64(s: string): boolean {
  if (!/^[+-]?\d+$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

const SEMVER_IDENTIFIER = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;

/** go-semver NewVersion succeeds and the version is not 0.0.0 (appc's SemVer). */
export function isGoSemVer(input: string): boolean {
  let rest = input;
  const plus = rest.indexOf("+");
  const metadata = plus === -1 ? "" : rest.slice(plus + 1);
  if (plus !== -1) rest = rest.slice(0, plus);
  const dash = rest.indexOf("-");
  const pre = dash === -1 ? "" : rest.slice(dash + 1);
  if (dash !== -1) rest = rest.slice(0, dash);
  const parts = rest.split(".");
  const dotParts = parts.length > 3 ? [parts[0], parts[1], parts.slice(2).join(".")] : parts;
  if (dotParts.length !== 3) return false;
  for (const id of [pre, metadata]) if (id !== "" && !SEMVER_IDENTIFIER.test(id)) return false;
  if (!dotParts.every((d) => d !== undefined && goParseInt64(d))) return false;
  const zero = dotParts.every((d) => BigInt(d ?? "1") === 0n) && pre === "" && metadata === "";
  return !zero;
}

const DECIMAL_SUFFIXES = new Set(["n", "u", "m", "", "k", "M", "G", "T", "P", "E"]);
const BINARY_SUFFIXES = new Set(["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]);

function suffixOk(suffix: string): boolean {
  if (DECIMAL_SUFFIXES.has(suffix) || BINARY_SUFFIXES.has(suffix)) return true;
  return suffix.length > 1 && (suffix[0] === "e" || suffix[0] === "E") && goParseInt64(suffix.slice(1));
}

/** resource.ParseQuantity(strings.TrimSpace(s)) succeeds. */
export function isGoQuantity(raw: string): boolean {
  const str = raw.replace(/^[\s]+|[\s]+$/g, "");
  const end = str.length;
  if (end === 0) return false;
  let pos = 0;
  if (str[0] === "-" || str[0] === "+") pos++;
  while (pos < end && str[pos] === "0") pos++;
  if (pos >= end) return true;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos >= end) return true;
  if (str[pos] === ".") {
    pos++;
    while (pos < end && isDigit(str[pos])) pos++;
    if (pos >= end) return true;
  }
  const suffixStart = pos;
  while (pos < end && "eEinumkKMGTP".includes(str[pos] ?? "")) pos++;
  if (pos >= end) return suffixOk(str.slice(suffixStart));
  if (str[pos] === "-" || str[pos] === "+") pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  return pos >= end && suffixOk(str.slice(suffixStart));
}
