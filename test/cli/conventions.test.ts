/**
 * The conventions every command of both CLIs keeps, checked on the shipped binaries (a package
 * built like the published one) as separate processes: `--help` and `help COMMAND` on stdout with
 * exit 0, `--version` likewise, an unknown or mistyped option and a mistyped command as one line
 * on stderr (with a did-you-mean) and the usage exit status (2; 125 for `run`, whose lower
 * statuses belong to the app), and failures without a stack trace.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/nix.js";
import { tempDir } from "../render/support.js";
import { buildInstalledPackage } from "./installed-package.js";

const version = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

let bin: string;
let cwd: string;

beforeAll(() => {
  cwd = tempDir("conventions");
  bin = path.dirname(buildInstalledPackage(path.join(cwd, "node_modules/nix2aci")));
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(argv: readonly string[]): Run {
  const [program, ...args] = argv;
  const run = spawnSync(process.execPath, [path.join(bin, `${program}.js`), ...args], { cwd, encoding: "utf8", env: { ...process.env, NIX2ACI_DEBUG: "" } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Every command, as typed, with its usage exit status and an option it has (for a typo of it). */
const commands: readonly { readonly name: string; readonly usageExit: number; readonly option: string }[] = [
  { name: "nix2aci-gen", usageExit: 2, option: "--out-dir" },
  { name: "nix2aci-gen init", usageExit: 2, option: "--flake-url" },
  { name: "nix2aci inspect", usageExit: 2, option: "--json" },
  { name: "nix2aci verify", usageExit: 2, option: "--signature" },
  { name: "nix2aci trust", usageExit: 2, option: "--prefix" },
  { name: "nix2aci run", usageExit: 125, option: "--volume" },
  { name: "nix2aci build", usageExit: 2, option: "--builders" },
];

/** A neighbour swap in the middle of a word: `--signature` → `--sigantur`... one edit away. */
function typo(option: string): string {
  const i = Math.floor(option.length / 2);
  return option.slice(0, i) + (option[i + 1] ?? "") + (option[i] ?? "") + option.slice(i + 2);
}

describe.each(commands)("$name", ({ name, usageExit, option }) => {
  const argv = name.split(" ");

  it("--help and -h: the help on stdout, exit 0; `help COMMAND` prints the same", () => {
    const help = cli([...argv, "--help"]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toMatch(new RegExp(`^usage: ${name} `));
    expect(help.stdout).toContain("options:");
    expect(help.stdout).toContain(`${option}`);
    expect(cli([...argv, "-h"]).stdout).toBe(help.stdout);
    const [program, command] = argv;
    expect(cli([program as string, "help", ...(command === undefined ? [] : [command])])).toEqual({ code: 0, stdout: help.stdout, stderr: "" });
  });

  it("--version and -V: the version on stdout, exit 0", () => {
    const expected = { code: 0, stdout: `${argv[0]} ${version}\n`, stderr: "" };
    expect(cli([...argv, "--version"])).toEqual(expected);
    expect(cli([...argv, "-V"])).toEqual(expected);
  });

  it(`an unknown option: one line on stderr, nothing on stdout, exit ${usageExit}`, () => {
    expect(cli([...argv, "--no-such-option"])).toEqual({
      code: usageExit,
      stdout: "",
      stderr: `${name}: unknown option '--no-such-option' (see '${name} --help')\n`,
    });
  });

  it(`a mistyped option: did you mean it? exit ${usageExit}`, () => {
    const run = cli([...argv, typo(option), "x"]);
    expect(run).toEqual({ code: usageExit, stdout: "", stderr: `${name}: unknown option '${typo(option)}'; did you mean '${option}'? (see '${name} --help')\n` });
  });
});

describe("commands", () => {
  it.each([
    ["nix2aci", "verfy", "verify"],
    ["nix2aci", "runn", "run"],
    ["nix2aci", "hlep", "help"],
    ["nix2aci-gen", "innit", "init"],
  ])("%s %s: unknown command, did you mean '%s'? (exit 2, stderr only)", (program, mistyped, meant) => {
    expect(cli([program, mistyped, "x"])).toEqual({ code: 2, stdout: "", stderr: `${program}: unknown command '${mistyped}'; did you mean '${meant}'? (see '${program} --help')\n` });
  });

  it("nix2aci alone, or with an unknown command: exit 2, one line on stderr", () => {
    const bare = cli(["nix2aci"]);
    expect(bare).toMatchObject({ code: 2, stdout: "" });
    expect(bare.stderr).toMatch(/^nix2aci: no command given; the commands are build, inspect, verify, trust, run\b.*\n$/);
    expect(cli(["nix2aci", "frobnicate"])).toEqual({ code: 2, stdout: "", stderr: "nix2aci: unknown command 'frobnicate' (see 'nix2aci --help')\n" });
    expect(cli(["nix2aci", "help", "frobnicate"]).code).toBe(2);
  });

  it("nix2aci --help lists every command, and --version works before any command", () => {
    const help = cli(["nix2aci", "--help"]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    for (const command of ["build", "inspect", "verify", "trust", "run", "help"]) expect(help.stdout).toMatch(new RegExp(`^  ${command} +\\S`, "m"));
    expect(cli(["nix2aci", "--version"])).toEqual({ code: 0, stdout: `nix2aci ${version}\n`, stderr: "" });
    expect(cli(["nix2aci-gen", "--version"])).toEqual({ code: 0, stdout: `nix2aci-gen ${version}\n`, stderr: "" });
  });

  it("a failure is one line naming the command, with no stack trace", () => {
    for (const argv of [["nix2aci", "inspect", "/no/such.aci"], ["nix2aci", "verify", "/no/such.aci"], ["nix2aci", "trust", "--root", "/no/such.asc"]]) {
      const run = cli(argv);
      expect(run.code, argv.join(" ")).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(new RegExp(`^${argv.slice(0, 2).join(" ")}: .*no/such.*\\n$`));
    }
    const run = cli(["nix2aci", "run", "--insecure-options=image", "/no/such.aci"]);
    expect(run.code).toBe(125);
    expect(run.stderr).toMatch(/^nix2aci run: .*\n$/);
  });

  it("rkt's and docker's spellings of run's options parse alike: -e, --set-env=, -v (a missing image is what fails)", () => {
    for (const argv of [["-e", "FOO=1"], ["--set-env=FOO=1"], ["--set-env", "FOO=1"], ["-v", "data,kind=empty"], ["--interactive=false"]]) {
      const run = cli(["nix2aci", "run", ...argv, "/no/such/image.aci"]);
      expect(run.code, argv.join(" ")).toBe(125);
      expect(run.stderr, argv.join(" ")).toMatch(/^nix2aci run: .*\/no\/such\/image\.aci.*\n$/);
    }
    expect(cli(["nix2aci", "run", "-e", "1FOO=1", "x.aci"]).stderr).toMatch(/--set-env '1FOO=1': expected NAME=VALUE/);
  });
});
