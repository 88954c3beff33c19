/** Entry point for tests that spawn the CLI from source: `node --import jiti/register THIS ARGS`. */
import { main } from "../../../lib/cli/nix2aci.js";

process.exitCode = await main(process.argv.slice(2));
