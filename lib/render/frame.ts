/** The text around a printed expression: the generated-file header, from templates/nix/*.hbs. */
import { readFileSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { packageRoot } from "./package-root.js";

type Frame = (values: Readonly<Record<string, string | undefined>>) => string;

const handlebars = Handlebars.create();
const frames = new Map<string, Frame>();

/** Renders templates/nix/NAME with `values`; no HTML escaping, every value must exist. */
export function frame(name: "spec-file.nix.hbs" | "default.nix.hbs", values: Readonly<Record<string, string | undefined>>): string {
  let compiled = frames.get(name);
  if (compiled === undefined) {
    const source = readFileSync(path.join(packageRoot(), "templates", "nix", name), "utf8");
    compiled = handlebars.compile(source, { noEscape: true, strict: true, knownHelpersOnly: true, knownHelpers: { if: true } });
    frames.set(name, compiled);
  }
  return compiled(values);
}

/**
 * Text safe inside a one-line `#` comment: line breaks and other control characters (which a
 * file name may hold) would end the comment, so they become U+FFFD.
 */
export function commentText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, "\uFFFD");
}
