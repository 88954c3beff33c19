/**
 * `nix2aci-gen`: typed specs → Nix files (lib/cli/gen/generate.ts), and `init` to scaffold a
 * project (lib/cli/gen/init.ts). Exit status: 0 done; 1 a spec failed (every problem listed on
 * stderr, nothing on stdout, no file written); 2 bad usage.
 */
import { processIO, runProgram, type CliIO, type Program } from "./program.js";

export type { CliIO } from "./program.js";

export const program: Program = {
  name: "nix2aci-gen",
  description: "Typed TypeScript specs to Nix files that build App Container Images.",
  commands: {
    generate: async () => (await import("./gen/generate.js")).command,
    init: async () => (await import("./gen/init.js")).command,
  },
  defaultCommand: "generate",
  footer: "",
};

export function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  return runProgram(program, argv, io);
}
