/**
 * The one command-line parser of both CLIs: node:util's parseArgs, with the rules it leaves to
 * its caller. Options may come before or after positionals; a value follows `=` or comes as the
 * next argument (rkt's and Go's syntax: a thin image's `.mounts` file pastes in as is); a boolean
 * takes `=true`/`=false` (Go's flag package); `--` ends the options. Every command also takes
 * `-h/--help` and `-V/--version`.
 */
import { parseArgs } from "node:util";
import { closest } from "../spec/suggest.js";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  /** May be given several times (a string option then yields every value, in order). */
  readonly multiple?: boolean;
  /** Takes two values, `--option NAME VALUE` (Nix's syntax): yields NAME, VALUE, NAME, VALUE, … */
  readonly pair?: boolean;
  /** The value's placeholder in help, e.g. `FILE`. */
  readonly value?: string;
  readonly help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  /** As typed: `nix2aci verify`, `nix2aci-gen init`. */
  readonly name: string;
  /** One line for the list of commands. */
  readonly summary: string;
  /** What follows `usage: NAME` (one entry per form). */
  readonly usage: readonly string[];
  /** A paragraph after the usage lines. */
  readonly description?: string;
  readonly options: O;
  /** Last lines of the help, e.g. the exit statuses. */
  readonly footer?: string;
  /** `--` ends the options and what follows is kept apart (`run`: the app's arguments). */
  readonly restAfterDoubleDash?: boolean;
}

/** A command line that cannot be obeyed. The CLI layer maps it to the usage exit status. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

type ValueOf<S extends OptionSpec> = S["type"] extends "boolean" ? boolean : S["multiple"] extends true ? string[] : S["pair"] extends true ? string[] : string;

export type OptionValues<O extends OptionSpecs> = { readonly [K in keyof O]?: ValueOf<O[K]> };

export type Parsed<O extends OptionSpecs> =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | {
      readonly kind: "run";
      readonly values: OptionValues<O>;
      readonly positionals: readonly string[];
      /** After `--`, for commands with `restAfterDoubleDash`; else empty. */
      readonly rest: readonly string[];
    };

export const commonOptions = {
  help: { type: "boolean", short: "h", help: "show this help" },
  version: { type: "boolean", short: "V", help: "show the version" },
} as const satisfies OptionSpecs;

export function parseCommandLine<O extends OptionSpecs>(spec: CommandSpec<O>, argv: readonly string[]): Parsed<O> {
  const options: OptionSpecs = { ...spec.options, ...commonOptions };
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      Object.entries(options).map(([name, o]) => [name, { type: o.type, multiple: true, ...(o.short === undefined ? {} : { short: o.short }) }]),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, boolean | string | string[]> = {};
  const positionals: string[] = [];
  const rest: string[] = [];
  let afterDoubleDash = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as (typeof tokens)[number];
    if (token.kind === "option-terminator") afterDoubleDash = true;
    else if (token.kind === "positional") (afterDoubleDash && spec.restAfterDoubleDash === true ? rest : positionals).push(token.value);
    else {
      const option = options[token.name];
      if (option === undefined) throw unknownOption(token.rawName, options);
      const value = optionValue(token.name, token.rawName, option, token.value, token.inlineValue, values[token.name]);
      if (option.pair !== true) values[token.name] = value;
      else {
        const second = tokens[i + 1];
        if (second?.kind !== "positional") throw new UsageError(`${token.rawName} needs two values, NAME and VALUE`);
        values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), value as string, second.value];
        i++;
      }
    }
  }
  if (values["help"] === true) return { kind: "help" };
  if (values["version"] === true) return { kind: "version" };
  return { kind: "run", values: values as OptionValues<O>, positionals, rest };
}

function optionValue(
  name: string,
  rawName: string,
  option: OptionSpec,
  value: string | undefined,
  inline: boolean | undefined,
  before: boolean | string | string[] | undefined,
): boolean | string | string[] {
  if (option.type === "boolean") {
    if (value === undefined || value === "true") return true;
    if (value === "false") return false;
    throw new UsageError(`${rawName}=${value}: expected true or false`);
  }
  if (value === undefined) throw new UsageError(`${rawName} needs a value`);
  // `--key --json` is a forgotten value, not a key file named "--json".
  if (inline === false && value.startsWith("-") && value !== "-") {
    throw new UsageError(`${rawName} needs a value, got the option '${value}' (a value starting with '-' is written ${rawName}=VALUE)`);
  }
  if (option.multiple === true) return [...(Array.isArray(before) ? before : []), value];
  if (before !== undefined && option.pair !== true) throw new UsageError(`--${name} is given twice`);
  return value;
}

function unknownOption(rawName: string, options: OptionSpecs): UsageError {
  const known = Object.keys(options).map((name) => `--${name}`);
  const guess = rawName.startsWith("--") ? closest(rawName, known) : undefined;
  return new UsageError(`unknown option '${rawName}'${guess === undefined ? "" : `; did you mean '${guess}'?`}`);
}

/** The exact number of positionals a command takes, or a UsageError naming what is missing or extra. */
export function expectPositionals(positionals: readonly string[], names: readonly string[], optional = 0): void {
  const required = names.length - optional;
  if (positionals.length < required) throw new UsageError(`missing ${names.slice(positionals.length, required).join(" ")}`);
  if (positionals.length > names.length) {
    const extra = positionals.slice(names.length).map((p) => `'${p}'`).join(", ");
    throw new UsageError(`unexpected argument${positionals.length - names.length === 1 ? "" : "s"} ${extra} (takes ${names.join(" ") || "none"})`);
  }
}

/** One row per option, as `--help` prints them and the README's option tables list them. */
export function optionRows(options: OptionSpecs): { readonly flags: string; readonly help: string }[] {
  const all: OptionSpecs = { ...options, ...commonOptions };
  return Object.entries(all).map(([name, o]) => ({
    flags: `${o.short === undefined ? "    " : `-${o.short}, `}--${name}${o.value === undefined ? "" : ` ${o.value}`}`,
    help: o.help,
  }));
}

export function helpText(spec: CommandSpec): string {
  const usage = spec.usage.map((line, i) => `${i === 0 ? "usage:" : "      "} ${spec.name}${line === "" ? "" : ` ${line}`}`);
  const rows = optionRows(spec.options);
  const width = Math.max(...rows.map((row) => row.flags.length)) + 4;
  const options = rows.map((row) => `  ${row.flags.padEnd(width)}${wrap(row.help, 98 - width, " ".repeat(width + 2))}`);
  return [...usage, "", ...(spec.description === undefined ? [] : [spec.description, ""]), "options:", ...options, ...(spec.footer === undefined ? [] : ["", spec.footer]), ""].join("\n");
}

/** `text` in lines of at most `width` characters (words are not split), later lines indented. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > Math.max(width, 30)) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line].join(`\n${indent}`);
}
