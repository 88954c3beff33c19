/** fast-check arbitraries for lib/nix tests: text biased toward what Nix's lexer treats specially. */
import fc from "fast-check";

/** Pieces that exercise every escaping rule of both string forms. */
const dangerousPieces = [
  "$", "{", "}", "${", "$${", "$$", "''", "'", "'''", "''$", "''\\", "\\", "\\$", "\\n", '"', "\n", "\r",
  "\r\n", "\t", " ", "  ", "\n ", "\n  x", "a", "é", "😀", "\u{10FFFF}", "\u2028", "\x7f", "${x}", "\\${",
];

export const dangerousText: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...dangerousPieces), { maxLength: 12 })
  .map((pieces) => pieces.join(""));

/** Any Unicode text (astral included), no NUL (Nix cannot hold it; refusal is tested apart). */
export const unicodeText: fc.Arbitrary<string> = fc
  .string({ unit: "binary", maxLength: 24 })
  .map((s) => s.replaceAll("\0", "\u0001"));

export const mixedText: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...dangerousPieces), fc.string({ unit: "binary", maxLength: 3 })), {
    maxLength: 10,
  })
  .map((pieces) => pieces.join("").replaceAll("\0", "\u0001"));

/** Text for string tests: a third each of dangerous, any-Unicode and mixed. */
export const nixText: fc.Arbitrary<string> = fc.oneof(dangerousText, unicodeText, mixedText);
