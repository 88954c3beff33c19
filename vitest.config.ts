import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Specs import "nix2aci"; in this repo that is the source itself.
    alias: { nix2aci: fileURLToPath(new URL("./lib/index.ts", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Inside test/e2e/readme-commands (which runs `npm test` in a fresh clone), leave that file
    // out, or the suite would run itself forever.
    exclude: process.env.NIX2ACI_NESTED_TEST === "1" ? ["test/e2e/readme-commands.test.ts", "**/node_modules/**"] : ["**/node_modules/**"],
    // Nix-backed tests build real images; give them room, and never run two nix-builds of the
    // same store path concurrently from different workers more than the machine can take.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
