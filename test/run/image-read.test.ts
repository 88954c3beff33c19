import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readImage, ImageError } from "../../lib/image/index.js";
import { requireTool } from "../support/tools.js";
import { busyboxRootfs, BUSYBOX_APPLETS, manifestFor, tempDir, writeAci, type Compression } from "./support/aci.js";

/** The image ID computed by real tools: decompress with the host tool, hash with sha512sum. */
function idByHostTools(path: string, compression: Compression): string {
  const decompressor = { none: "cat", gzip: "gzip -dc", bzip2: "bzip2 -dc", xz: "xz -dc" }[compression];
  const out = execFileSync("sh", ["-c", `${decompressor} < "$1" | sha512sum`, "sh", path], { encoding: "utf8" });
  return `sha512-${out.split(" ")[0]}`;
}

describe("readImage", () => {
  for (const compression of ["none", "gzip", "bzip2", "xz"] as const) {
    it(`reads a ${compression} ACI: manifest, ID, sizes, counts`, async () => {
      const dir = await tempDir();
      const manifest = manifestFor("nix2aci.test/read", { exec: ["/bin/sh", "-c", "echo hi"] });
      const path = await writeAci(dir, { manifest, compression });
      const info = await readImage(path);
      expect(info.compression).toBe(compression);
      expect(info.manifest).toEqual(manifest);
      expect(info.imageId).toBe(idByHostTools(path, compression));
      expect(info.compressedSize).toBe(statSync(path).size);
      const uncompressed = execFileSync("sh", ["-c", `${{ none: "cat", gzip: "gzip -dc", bzip2: "bzip2 -dc", xz: "xz -dc" }[compression]} < "$1" | wc -c`, "sh", path], { encoding: "utf8" });
      expect(info.uncompressedSize).toBe(Number(uncompressed.trim()));
      // busybox, passwd, group: the regular files of busyboxRootfs().
      expect(info.fileCount).toBe(3);
      expect(info.entryCount).toBe(busyboxRootfs().length + 1);
      expect(info.storeMountPoints).toEqual([]);
    });
  }

  it("is accepted by actool validate (the fixture is a real ACI)", async () => {
    requireTool("actool", "appc-spec");
    const dir = await tempDir();
    const path = await writeAci(dir, { compression: "gzip" });
    execFileSync("actool", ["validate", path]);
    expect(BUSYBOX_APPLETS).toContain("sh");
  });

  it("lists the store-path mountPoints of a thin image", async () => {
    const dir = await tempDir();
    const manifest = manifestFor("nix2aci.test/thin", {
      mountPoints: [
        { name: "nix-store-abc-busybox-1-36", path: "/nix/store/abc-busybox-1.36", readOnly: true },
        { name: "data", path: "/data" },
      ],
    });
    const info = await readImage(await writeAci(dir, { manifest }));
    expect(info.storeMountPoints.map((mp) => mp.name)).toEqual(["nix-store-abc-busybox-1-36"]);
  });

  it("keeps the manifest bytes as stored", async () => {
    const dir = await tempDir();
    const text = JSON.stringify(manifestFor("nix2aci.test/bytes"), null, 3);
    const info = await readImage(await writeAci(dir, { manifest: text }));
    expect(info.manifestText).toBe(text);
  });

  it("refuses a file that is not an ACI", async () => {
    const dir = await tempDir();
    const path = `${dir}/junk.aci`;
    execFileSync("sh", ["-c", `head -c 5000 /bin/busybox > "$1"`, "sh", path]);
    await expect(readImage(path)).rejects.toThrow(ImageError);
    await expect(readImage(path)).rejects.toThrow(/not a valid ACI archive|not an ACI/);
  });

  it("refuses a truncated gzip image", async () => {
    const dir = await tempDir();
    const path = await writeAci(dir, { compression: "gzip" });
    const bytes = readFileSync(path);
    const cut = `${dir}/cut.aci`;
    execFileSync("sh", ["-c", `head -c ${Math.floor(bytes.length / 2)} "$1" > "$2"`, "sh", path, cut]);
    await expect(readImage(cut)).rejects.toThrow(ImageError);
  });

  it("refuses a manifest that is not an ImageManifest, naming the field", async () => {
    const dir = await tempDir();
    const bad = { ...manifestFor("nix2aci.test/bad"), acKind: "PodManifest" };
    await expect(readImage(await writeAci(dir, { manifest: bad }))).rejects.toThrow(/acKind/);
    const noUser = manifestFor("nix2aci.test/bad", { user: "" });
    await expect(readImage(await writeAci(dir, { manifest: noUser, fileName: "b.aci" }))).rejects.toThrow(/app\.user/);
  });
});
