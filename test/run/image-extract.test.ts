import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractImage, readImage } from "../../lib/image/index.js";
import { busyboxRootfs, compress, hostBusybox, tarBytes, tempDir, writeAci, type TarEntry } from "./support/aci.js";

const asRoot = process.getuid?.() === 0;
const when = new Date("2020-02-02T02:02:02Z");

describe("extractImage", () => {
  it("unpacks exactly: modes (setuid/setgid dropped), read-only dirs, symlinks verbatim, hard links, owners, mtimes", async () => {
    const dir = await tempDir();
    const entries: TarEntry[] = [
      ...busyboxRootfs(),
      { path: "rootfs/nix/", type: "Directory" },
      { path: "rootfs/nix/store/", type: "Directory", mode: 0o1775 },
      { path: "rootfs/nix/store/abc-pkg/", type: "Directory", mode: 0o555, mtime: when },
      { path: "rootfs/nix/store/abc-pkg/tool", type: "File", data: "#!/bin/sh\n", mode: 0o4755, mtime: when },
      { path: "rootfs/nix/store/abc-pkg/sgid", type: "File", data: "x", mode: 0o2711, mtime: when },
      { path: "rootfs/nix/store/abc-pkg/same", type: "Link", linkpath: "rootfs/nix/store/abc-pkg/tool" },
      { path: "rootfs/bin/pkg-tool", type: "SymbolicLink", linkpath: "/nix/store/abc-pkg/tool" },
      { path: "rootfs/home/alice/notes", type: "File", data: "hi", uid: 1000, gid: 50, mode: 0o640 },
    ];
    const image = await writeAci(dir, { entries });
    const target = join(dir, "unpacked");
    const info = await extractImage(image, target);
    expect(info.imageId).toBe((await readImage(image)).imageId);

    const rootfs = join(target, "rootfs");
    expect(readFileSync(join(target, "manifest"), "utf8")).toBe(info.manifestText);
    expect(readFileSync(join(rootfs, "bin/busybox")).equals(hostBusybox())).toBe(true);
    expect(statSync(join(rootfs, "bin/busybox")).mode & 0o7777).toBe(0o755);
    expect(statSync(join(rootfs, "nix/store/abc-pkg")).mode & 0o7777).toBe(0o555);
    expect(statSync(join(rootfs, "nix/store")).mode & 0o7777).toBe(0o1775);
    expect(statSync(join(rootfs, "tmp")).mode & 0o7777).toBe(0o1777);
    // Never a setuid/setgid file on the host, whatever the image asks.
    expect(statSync(join(rootfs, "nix/store/abc-pkg/tool")).mode & 0o7777).toBe(0o755);
    expect(statSync(join(rootfs, "nix/store/abc-pkg/sgid")).mode & 0o7777).toBe(0o711);
    expect(statSync(join(rootfs, "nix/store/abc-pkg/tool")).mtime.getTime()).toBe(when.getTime());
    expect(statSync(join(rootfs, "nix/store/abc-pkg")).mtime.getTime()).toBe(when.getTime());
    expect(statSync(join(rootfs, "nix/store/abc-pkg/same")).ino).toBe(statSync(join(rootfs, "nix/store/abc-pkg/tool")).ino);
    expect(readlinkSync(join(rootfs, "bin/pkg-tool"))).toBe("/nix/store/abc-pkg/tool");
    expect(readlinkSync(join(rootfs, "bin/sh"))).toBe("busybox");
    expect(lstatSync(join(rootfs, "bin/sh")).isSymbolicLink()).toBe(true);
    if (asRoot) {
      expect(statSync(join(rootfs, "home/alice/notes")).uid).toBe(1000);
      expect(statSync(join(rootfs, "home/alice/notes")).gid).toBe(50);
      expect(statSync(join(rootfs, "home/alice")).uid).toBe(1000);
    }
  });

  it("leaves nothing behind when the image is refused half-way", async () => {
    const dir = await tempDir();
    const entries: TarEntry[] = [...busyboxRootfs(), { path: "rootfs/dev-zero", type: "CharacterDevice" }];
    const image = await writeAci(dir, { entries });
    await expect(extractImage(image, join(dir, "out"))).rejects.toThrow(/device nodes are refused/);
    expect(readdirSync(dir)).toEqual(["test.aci"]);
  });

  it("refuses an image cut off inside a file, every time (no unpacking left waiting for bytes)", async () => {
    const dir = await tempDir();
    const whole = compress(tarBytes([{ path: "manifest", type: "File", data: "{}" }, ...busyboxRootfs()]), "gzip");
    const image = join(dir, "cut.aci");
    writeFileSync(image, whole.subarray(0, Math.floor(whole.length / 2)));
    for (let attempt = 0; attempt < 20; attempt++) {
      await expect(extractImage(image, join(dir, `out-${attempt}`))).rejects.toThrow(/not a valid ACI archive: unexpected end of file/);
    }
    expect(readdirSync(dir)).toEqual(["cut.aci"]);
  });

  it("refuses to extract over an existing directory", async () => {
    const dir = await tempDir();
    const image = await writeAci(dir);
    await expect(extractImage(image, dir)).rejects.toThrow(/already exists/);
  });
});
