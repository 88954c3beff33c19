/** `nix2aci`: the commands that work on built images, each in lib/cli/commands/, loaded when used. */
import { processIO, runProgram, type CliIO, type Program } from "./program.js";

export const program: Program = {
  name: "nix2aci",
  description: "Builds, inspects, verifies, trusts and runs App Container Images made by nix2aci.",
  commands: {
    build: () => import("./commands/build.js"),
    inspect: () => import("./commands/inspect.js"),
    verify: () => import("./commands/verify.js"),
    trust: () => import("./commands/trust.js"),
    run: () => import("./commands/run.js"),
    image: () => import("./commands/image.js"),
  },
  footer:
    "exit status: 0 done; 1 the command failed; 2 bad usage. 'nix2aci run' exits with the app's\n" +
    "status, or 125 when nix2aci itself fails. Set NIX2ACI_DEBUG=1 for a failure's stack trace.",
};

export function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  return runProgram(program, argv, io);
}
