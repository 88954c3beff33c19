/**
 * `nix2aci`: commands that work on built images. Each subcommand lives in its own module
 * (`lib/cli/commands/<name>.ts`) exporting `run(argv): Promise<number>`; this file only dispatches.
 */
interface Command {
  readonly summary: string;
  readonly load: () => Promise<{ run(argv: readonly string[]): Promise<number> }>;
}

const commands: Record<string, Command> = {
  verify: { summary: "check IMAGE.aci against its IMAGE.aci.asc signature", load: () => import("./commands/verify.js") },
  inspect: { summary: "show an image's manifest, ID, sizes and needed store paths", load: () => import("./commands/inspect.js") },
  run: { summary: "run an image with bubblewrap, rkt-style flags", load: () => import("./commands/run.js") },
  trust: { summary: "trust a public key for image names with a prefix", load: () => import("./commands/trust.js") },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `usage: nix2aci <command> [options]\n\ncommands:\n${lines.join("\n")}\n\n'nix2aci <command> --help' for a command's options.\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`nix2aci: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest);
}
