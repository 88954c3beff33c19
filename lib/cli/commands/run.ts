/** `nix2aci run [options] IMAGE.aci [-- ARGS]`: rkt's `run` for one local image, on bubblewrap. */
import { ImageError } from "../../image/index.js";
import { parseRunArgs, runImage, runUsage, RunError } from "../../run/index.js";

export async function run(argv: readonly string[]): Promise<number> {
  if (argv[0] === "--help" || argv[0] === "-h") {
    process.stdout.write(runUsage);
    return 0;
  }
  try {
    return await runImage(parseRunArgs(argv));
  } catch (error) {
    if (error instanceof RunError || error instanceof ImageError) {
      process.stderr.write(`nix2aci run: ${error.message}\n`);
      return error instanceof RunError ? error.exitStatus : 125;
    }
    // Anything else (a host file system error, say) is still reported as one line, not a trace.
    if (error instanceof Error && process.env["NIX2ACI_DEBUG"] === undefined) {
      process.stderr.write(`nix2aci run: ${error.message} (set NIX2ACI_DEBUG=1 for details)\n`);
      return 1;
    }
    throw error;
  }
}
