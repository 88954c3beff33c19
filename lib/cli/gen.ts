/**
 * `nix2aci-gen`: typed specs → Nix files (lib/cli/gen/generate.ts), and `init` to scaffold a
 * project (lib/cli/gen/init.ts). Exit status: 0 done; 1 a spec failed (every problem listed on
 * stderr, nothing on stdout, no file written); 2 bad usage.
 */
import { processIO, runProgram, type CliIO, type Program } from "./program.js";

export type { CliIO } from "./program.js";

export const program: Program = {
  name: "nix2aci-gen",
  // `nix2aci-gen SPEC.ts`: its --help is generate's, which shows init's usage too.
  defaultCommand: "generate",
  commands: { generate: () => import("./gen/generate.js"), init: () => import("./gen/init.js") },
};

export function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  return runProgram(program, argv, io);
}
