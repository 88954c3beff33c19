/**
 * Thrown when a value cannot be written as Nix text exactly: a NUL or lone surrogate in a string,
 * a bad identifier, NaN, an integer outside int64, ... Never caught and "fixed" silently.
 */
export class NixPrintError extends Error {
  override readonly name = "NixPrintError";
}

/** Short, unambiguous rendering of a JS string for error messages (escapes included). */
export function quoteForMessage(text: string, max = 60): string {
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(shown);
}
