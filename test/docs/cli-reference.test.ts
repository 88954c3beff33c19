/**
 * The README's CLI reference against the commands themselves: every command has a section, and
 * its usage lines and option table are what the command's real `--help` prints (parsed from that
 * text, not from the specs that also generate the README). Regenerate with
 * `node --import jiti/register scripts/cli-reference.ts --write`.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main as gen } from "../../lib/cli/gen.js";
import { main as nix2aci } from "../../lib/cli/nix2aci.js";
import { repoRoot } from "../support/nix.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

async function stdoutOf(argv: readonly string[]): Promise<string> {
  let stdout = "";
  const io = { stdout: (text: string) => void (stdout += text), stderr: () => undefined, cwd: repoRoot };
  const code = await (argv[0] === "nix2aci-gen" ? gen(argv.slice(1), io) : nix2aci(argv.slice(1), io));
  expect(code, argv.join(" ")).toBe(0);
  return stdout;
}

interface Reference {
  readonly usage: string[];
  readonly options: [string, string][];
}

/** A command's usage lines and option rows, as its `--help` prints them. */
function fromHelp(help: string): Reference {
  const lines = help.split("\n");
  const usage: string[] = [];
  for (const line of lines) {
    const match = /^(?:usage:| {6}) (\S.*)$/.exec(line);
    if (match === null) break;
    usage.push(match[1] as string);
  }
  const options: [string, string][] = [];
  for (const line of lines.slice(lines.indexOf("options:") + 1)) {
    if (line === "") break;
    const row = /^ {2}( {4})?(-.*?) {2,}(\S.*)$/.exec(line);
    if (row !== null) options.push([row[2] as string, row[3] as string]);
    else (options.at(-1) as [string, string])[1] += ` ${line.trim()}`;
  }
  return { usage, options };
}

/** The README's usage block and option table under `#### \`NAME\``. */
function fromReadme(name: string): Reference {
  const section = readme.split(`#### \`${name}\`\n`)[1]?.split("\n#### ")[0] ?? "";
  const usage = (/```\n([^]*?)```/.exec(section)?.[1] ?? "").split("\n").filter((line) => line !== "");
  const cells = (row: string): string[] => row.slice(2, -2).split(/(?<!\\) \| /).map((cell) => cell.replace(/\\\|/g, "|"));
  const options = section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((row) => cells(row))
    .map(([flags, help]) => [(flags ?? "").replace(/^`|`$/g, ""), help ?? ""] as [string, string]);
  return { usage, options };
}

describe("README CLI reference", () => {
  it("has a section for every command of both CLIs, and nothing else", async () => {
    const listed = (await stdoutOf(["nix2aci", "--help"])).split("\n").flatMap((line) => {
      const name = /^ {2}([a-z]+) /.exec(line)?.[1];
      return name === undefined || name === "help" ? [] : [`nix2aci ${name}`];
    });
    expect(listed.length).toBeGreaterThanOrEqual(4);
    const documented = [...readme.matchAll(/^#### `(nix2aci[^`]*)`$/gm)].map((match) => match[1]);
    expect(documented).toEqual(["nix2aci-gen", "nix2aci-gen init", ...listed]);
  });

  for (const name of [...readme.matchAll(/^#### `(nix2aci[^`]*)`$/gm)].map((match) => match[1] as string)) {
    it(`${name}: usage and options are exactly what --help prints`, async () => {
      const help = fromHelp(await stdoutOf([...name.split(" "), "--help"]));
      expect(help.options.length).toBeGreaterThan(1);
      const documented = fromReadme(name);
      expect(documented.usage).toEqual(help.usage.map((line) => line.replace(/ +$/, "")));
      expect(documented.options).toEqual(help.options);
      // `help COMMAND` prints the same text.
      const [program, command] = name.split(" ");
      expect(await stdoutOf([program as string, "help", ...(command === undefined ? [] : [command])])).toBe(await stdoutOf([...name.split(" "), "--help"]));
    });
  }
});
