import { describe, expect, it } from "vitest";
import { readImage } from "../../lib/image/index.js";
import { manifestFor, tempDir, writeAci } from "./support/aci.js";
import { spawnCli } from "./support/spawn-cli.js";

describe("nix2aci inspect", () => {
  it("prints manifest, ID, sizes, counts and needed store paths; --json gives the same facts", async () => {
    const dir = await tempDir();
    const manifest = manifestFor("nix2aci.test/inspect", {
      exec: ["/bin/sh"],
      mountPoints: [{ name: "nix-store-abc-hello-1", path: "/nix/store/abc-hello-1", readOnly: true }],
    });
    const image = await writeAci(dir, { manifest, compression: "xz", fileName: "inspect.aci" });
    const info = await readImage(image);

    const text = await spawnCli(["inspect", image]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("name:          nix2aci.test/inspect");
    expect(text.stdout).toContain(`image ID:      ${info.imageId}`);
    expect(text.stdout).toContain("compression:   xz");
    expect(text.stdout).toContain(`(${info.uncompressedSize} bytes) uncompressed`);
    expect(text.stdout).toContain("files:         3 (");
    expect(text.stdout).toContain("thin image:    needs 1 host store path(s) as volumes:\n  /nix/store/abc-hello-1  (volume nix-store-abc-hello-1)");
    expect(text.stdout).toContain('"name": "nix2aci.test/inspect"');

    const json = await spawnCli(["inspect", "--json", image]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      imageId: info.imageId,
      compression: "xz",
      compressedSize: info.compressedSize,
      uncompressedSize: info.uncompressedSize,
      fileCount: 3,
      entryCount: info.entryCount,
      thin: true,
      storePaths: [{ name: "nix-store-abc-hello-1", path: "/nix/store/abc-hello-1" }],
      manifest,
    });
  });

  it("fails with exit 1 and a message on a broken image, 2 on bad usage", async () => {
    const dir = await tempDir();
    const junk = `${dir}/junk.aci`;
    const { writeFileSync } = await import("node:fs");
    writeFileSync(junk, Buffer.alloc(2048, 7));
    const broken = await spawnCli(["inspect", junk]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^nix2aci inspect: .*junk\.aci: not a valid ACI archive/);
    expect((await spawnCli(["inspect"])).code).toBe(2);
    expect((await spawnCli(["inspect", "--yaml", junk])).stderr).toMatch(/unknown option '--yaml'/);
  });
});
