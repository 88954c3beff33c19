#!/usr/bin/env node
// Thin launcher: the CLI lives in lib/cli (compiled to dist/ by `npm run build` / `npm ci`).
import { main } from "../dist/lib/cli/gen.js";

process.exitCode = await main(process.argv.slice(2));
