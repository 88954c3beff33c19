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
      return 1;
    }
    throw error;
  }
}
