/**
 * Go parsers that actool 0.8.11 runs on manifest values, ported where a regular expression would
 * not say the same thing: the Kubernetes resource.Quantity parser (resource isolator
 * request/limit), with Go's strconv.ParseInt and strings.TrimSpace exactly.
 */

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/** strconv.ParseInt(s, 10, 64) succeeds. */
export function goParseInt64(s: string): boolean {
  if (!/^[+-]?\d+$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/**
 * Go's unicode.IsSpace, which strings.TrimSpace trims: ASCII \t \n \v \f \r and space, U+0085,
 * U+00A0, and Unicode's White_Space beyond Latin-1 (Go 1.19: Unicode 13). Not JavaScript's `\s`,
 * which adds U+FEFF and leaves out U+0085.
 */
const GO_SPACE = "\t\n\u000b\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

/** strings.TrimSpace */
export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && GO_SPACE.includes(s[start] as string)) start++;
  while (end > start && GO_SPACE.includes(s[end - 1] as string)) end--;
  return s.slice(start, end);
}

const DECIMAL_SUFFIXES = new Set(["n", "u", "m", "", "k", "M", "G", "T", "P", "E"]);
const BINARY_SUFFIXES = new Set(["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]);

function suffixOk(suffix: string): boolean {
  if (DECIMAL_SUFFIXES.has(suffix) || BINARY_SUFFIXES.has(suffix)) return true;
  return suffix.length > 1 && (suffix[0] === "e" || suffix[0] === "E") && goParseInt64(suffix.slice(1));
}

/** resource.ParseQuantity(strings.TrimSpace(raw)) succeeds; `raw` is the JSON text between the quotes. */
export function isGoQuantity(raw: string): boolean {
  const str = goTrimSpace(raw);
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
