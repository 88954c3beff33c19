/**
 * `nix2aci-gen`: typed specs → Nix files (see `usage` in gen/args.ts). Exit codes: 0 done,
 * 1 a spec is bad (every problem listed on stderr; nothing on stdout, no file written), 2 bad usage.
 */
import path from "node:path";
import { packageVersion } from "../render/package-root.js";
import { UsageError, parseGenArgs, usage } from "./gen/args.js";
import { NixMissingError } from "./gen/check.js";
import { findSpecFiles } from "./gen/find-specs.js";
import { processIO, type CliIO } from "./gen/io.js";
import { startCompiling } from "./gen/compile-specs.js";

export type { CliIO } from "./gen/io.js";

export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  try {
    const command = parseGenArgs(argv);
    switch (command.kind) {
      case "help":
        io.stdout(usage);
        return 0;
      case "version":
        io.stdout(`nix2aci-gen ${packageVersion()}\n`);
        return 0;
      case "init":
        return await init(command.dir, command.flakeUrl, io);
      case "generate": {
        const files = findSpecFiles(command.inputs, io.cwd);
        // esbuild compiles the spec files in the background while the renderer, the spec checks
        // and the rest of nix2aci load (~0.3 s), hence these modules are imported only now.
        const compilation = startCompiling(files.map((file) => file.absolute));
        const { generate } = await import("./gen/generate.js");
        return await generate(command, files, io, compilation);
      }
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof NixMissingError) {
      io.stderr(`nix2aci-gen: ${error.message}\n${error instanceof UsageError ? "Try 'nix2aci-gen --help'.\n" : ""}`);
      return 2;
    }
    // Anything else (an unwritable output folder, a full disk, a bug): one line, exit 1; the
    // stack only on request.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`nix2aci-gen: ${message}\n`);
    if (process.env["NIX2ACI_DEBUG"] && error instanceof Error) io.stderr(`${error.stack ?? ""}\n`);
    return 1;
  }
}

async function init(dir: string, flakeUrl: string | undefined, io: CliIO): Promise<number> {
  const { initProject } = await import("./gen/init.js");
  const result = initProject(path.resolve(io.cwd, dir), flakeUrl);
  if (result.existing.length > 0) {
    io.stderr(`nix2aci-gen init: ${result.existing.join(", ")} already exist${result.existing.length === 1 ? "s" : ""} in ${dir}; nothing created\n`);
    return 1;
  }
  io.stdout(
    `Created ${result.created.join(", ")} in ${dir}.\nNext: cd ${dir} && npm install && npm run generate && nix-build nix -A hello\n`,
  );
  return 0;
}
