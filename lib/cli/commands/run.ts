/** `nix2aci run [options] IMAGE.aci [-- ARGS]`: rkt's `run` for one local image, on bubblewrap. */
import { runCommandSpec, runImage, toRunOptions } from "../../run/index.js";
import { defineCommand } from "../program.js";

export const command = defineCommand({
  ...runCommandSpec,
  // Every status below 125 may be the app's own: nix2aci's failures, bad usage included, are 125.
  exitCodes: { usage: 125, failure: 125 },
  run: ({ values, positionals, rest }) => runImage(toRunOptions(values, positionals, rest)),
});
