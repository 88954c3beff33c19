/**
 * Layout goldens for typical generator output (test/nix/golden/*.nix), plus proof that the golden
 * text means what the tree says: Nix parses it, and the image file evaluates to the expected
 * mkACI arguments. Regenerate after a deliberate layout change with NIX2ACI_UPDATE_GOLDEN=1.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Expr, printFile } from "../../lib/nix/index.js";
import { busyboxFile, defaultFile } from "./golden-trees.js";
import { evalJson, parseNix } from "./harness.js";

const goldenDir = new URL("./golden/", import.meta.url);

function checkGolden(name: string, tree: Expr): string {
  const file = new URL(name, goldenDir);
  const printed = printFile(tree);
  if (process.env.NIX2ACI_UPDATE_GOLDEN === "1") writeFileSync(file, printed);
  expect(existsSync(file), `golden file ${name} is missing (NIX2ACI_UPDATE_GOLDEN=1 writes it)`).toBe(true);
  expect(printed).toBe(readFileSync(file, "utf8"));
  return printed;
}

describe("golden layouts", () => {
  it("a callPackage-able image file", async () => {
    const text = checkGolden("busybox.nix", busyboxFile());
    // Same bytes every time (no hidden state in the printer).
    expect(printFile(busyboxFile())).toBe(text);
    const stubs = `{ pkgs = { busybox = "BB"; pkgsStatic.busybox = "SBB"; cacert.override = a: a; }; mkACI = args: args; }`;
    const evaluated = await evalJson(`(${text}) ${stubs}`);
    const evaluatedStatic = (await evalJson(`(${text}) (${stubs} // { static = true; })`)) as { exec: string[] };
    expect(evaluatedStatic.exec[0]).toBe("SBB/bin/sh");
    expect(evaluated).toEqual({
      name: "example.com/busybox",
      version: "1.36.1",
      packages: ["BB", { static: false }],
      exec: ["BB/bin/sh", "-c", 'echo "hello from ${HOSTNAME:-aci}"'],
      user: "0",
      group: "0",
      environment: { PATH: "/bin:/usr/bin", LC_ALL: "C.UTF-8" },
      ports: [
        { name: "http", protocol: "tcp", port: 8080 },
        { name: "dns", protocol: "udp", port: 53, count: 1, socketActivated: false },
      ],
      mountPoints: [{ name: "data", path: "/var/lib/data", readOnly: false }],
      isolators: [{ name: "resource/memory", value: { limit: "256M", request: "128M" } }],
      labels: {},
      annotations: { authors: "Jane Doe <jane@example.com>", created: "1970-01-01T00:00:00Z" },
      etc: {
        users: [{ name: "www", uid: 1000, gid: 1000, home: "/var/www" }],
        groups: [{ name: "www", gid: 1000, members: ["www"] }],
      },
      extraCommands: "mkdir -p tmp var/lib/data\nchmod 1777 tmp\necho '${not interpolated}' > etc/motd\n",
      thin: false,
    });
  });

  it("a default.nix frame with inherit (from) and a default argument", async () => {
    const text = checkGolden("default.nix", defaultFile());
    await expect(parseNix(text)).resolves.toContain("callPackage");
  });
});
