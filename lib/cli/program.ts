/**
 * What both CLIs share around their commands: `--help`, `--version` and `help COMMAND`, dispatch
 * with did-you-mean, and the one error shape: a line `PROGRAM COMMAND: message` on stderr and an
 * exit status (usage errors 2, other failures 1; `run` overrides both with 125, see README).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { packageVersion } from "../render/package-root.js";
import { closest } from "../spec/suggest.js";
import { helpText, parseCommandLine, UsageError, type CommandSpec, type OptionSpecs, type OptionValues } from "./args.js";

/** Where a CLI writes, and which folder relative paths start from; tests pass their own. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

export const processIO: CliIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  get cwd() {
    return process.cwd();
  },
};

export interface CommandArgs<O extends OptionSpecs> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
  readonly rest: readonly string[];
}

/** A command: what its help says (the spec) and what it does. */
export interface Command<O extends OptionSpecs = OptionSpecs> extends CommandSpec<O> {
  /** Exit statuses for a usage error and for any other failure (default 2 and 1). */
  readonly exitCodes?: { readonly usage: number; readonly failure: number };
  run(args: CommandArgs<O>, io: CliIO): Promise<number>;
}

/** A command, its option types inferred from `options` (so `run` sees them typed). */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}

/** A failure that brings its own exit status (lib/run's RunError: 125, 126 or 127, as podman). */
export interface WithExitStatus {
  readonly exitStatus: number;
}

function ownExitStatus(error: unknown): number | undefined {
  const status = error instanceof Error ? (error as Partial<WithExitStatus>).exitStatus : undefined;
  return typeof status === "number" && Number.isInteger(status) ? status : undefined;
}

/** Runs one command: its help and version, its options parsed, its errors turned into one line. */
export async function runCommand<O extends OptionSpecs>(command: Command<O>, argv: readonly string[], io: CliIO): Promise<number> {
  const exit = command.exitCodes ?? { usage: 2, failure: 1 };
  try {
    const parsed = parseCommandLine(command, argv);
    if (parsed.kind === "help") return print(io, helpText(command));
    if (parsed.kind === "version") return print(io, versionLine(command.name));
    return await command.run(parsed, io);
  } catch (error) {
    report(io, command.name, error);
    return error instanceof UsageError ? exit.usage : (ownExitStatus(error) ?? exit.failure);
  }
}

/** `NAME: message` on stderr, one line; a usage error points at NAME's help. The stack only on request. */
function report(io: CliIO, name: string, error: unknown): void {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split("\n").map((part) => part.trim()).filter((part) => part !== "").join(" ");
  const hint = error instanceof UsageError ? ` (see '${name} --help')` : "";
  io.stderr(`${name}: ${line}${hint}\n`);
  if (process.env["NIX2ACI_DEBUG"] && error instanceof Error && !(error instanceof UsageError)) io.stderr(`${error.stack ?? ""}\n`);
}

function versionLine(name: string): string {
  return `${name.split(" ")[0]} ${packageVersion()}\n`;
}

function print(io: CliIO, text: string): number {
  io.stdout(text);
  return 0;
}

/** A CLI of subcommands (`nix2aci`), each loaded only when used. */
export interface Program {
  readonly name: string;
  /** Each command's module, imported when used; it exports the command as `command`. */
  readonly commands: Readonly<Record<string, () => Promise<{ readonly command: Command }>>>;
  /**
   * The command run when the first argument names none (`nix2aci-gen SPEC.ts`): `--help` is its
   * help, and a first argument that is no file but near a command's name is taken for a typo.
   */
  readonly defaultCommand?: string;
  /** For the list of commands that `--help` prints when there is no default command. */
  readonly description?: string;
  readonly footer?: string;
}

export async function runProgram(program: Program, argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  const names = Object.keys(program.commands);
  const fallback = program.defaultCommand;
  try {
    if (first === "--help" || first === "-h") return print(io, fallback === undefined ? await programHelp(program) : helpText(await load(program, fallback)));
    if (first === "--version" || first === "-V") return print(io, versionLine(program.name));
    if (first === "help") {
      if (rest.length > 1) throw new UsageError(`help takes one command, got ${rest.length}`);
      if (rest[0] === undefined) return await runProgram(program, ["--help"], io);
      return print(io, helpText(await load(program, rest[0])));
    }
    if (first !== undefined && Object.hasOwn(program.commands, first)) return await runCommand(await load(program, first), rest, io);
    if (fallback !== undefined) {
      if (first !== undefined && !first.startsWith("-") && !existsSync(path.resolve(io.cwd, first)) && closest(first, [...names, "help"]) !== undefined) await load(program, first);
      return await runCommand(await load(program, fallback), argv, io);
    }
    if (first === undefined) throw new UsageError(`no command given; the commands are ${names.join(", ")}`);
    if (first.startsWith("-")) {
      const guess = closest(first, ["--help", "--version"]);
      throw new UsageError(`unknown option '${first}' (options go after the command)${guess === undefined ? "" : `; did you mean '${guess}'?`}`);
    }
    return await runCommand(await load(program, first), rest, io);
  } catch (error) {
    report(io, program.name, error);
    return error instanceof UsageError ? 2 : 1;
  }
}

async function load(program: Program, name: string): Promise<Command> {
  const loader = Object.hasOwn(program.commands, name) ? program.commands[name] : undefined;
  if (loader !== undefined) return (await loader()).command;
  const guess = closest(name, [...Object.keys(program.commands), "help"]);
  throw new UsageError(`unknown command '${name}'${guess === undefined ? "" : `; did you mean '${guess}'?`}`);
}

async function programHelp(program: Program): Promise<string> {
  const commands = await Promise.all(Object.entries(program.commands).map(async ([name, loader]) => [name, (await loader()).command.summary] as const));
  const width = Math.max(...commands.map(([name]) => name.length)) + 2;
  return [
    `usage: ${program.name} <command> [options]`,
    "",
    program.description ?? "",
    "",
    "commands:",
    ...commands.map(([name, summary]) => `  ${name.padEnd(width)}${summary}`),
    `  ${"help".padEnd(width)}show a command's help (also: ${program.name} <command> --help)`,
    "",
    program.footer ?? "",
    "",
  ].join("\n");
}
