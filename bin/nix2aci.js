#!/usr/bin/env node
// Thin launcher: `nix2aci verify|inspect|run|trust` (lib/cli, compiled to dist/).
import { main } from "../dist/lib/cli/nix2aci.js";

process.exitCode = await main(process.argv.slice(2));
