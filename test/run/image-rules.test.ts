import { describe, expect, it } from "vitest";
import { readImage } from "../../lib/image/index.js";
import { busyboxRootfs, tempDir, writeAci, type TarEntry } from "./support/aci.js";

async function rejection(entries: TarEntry[]): Promise<string> {
  const dir = await tempDir();
  const path = await writeAci(dir, { entries, compression: "none" });
  try {
    await readImage(path);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the image was accepted");
}

const base = (): TarEntry[] => busyboxRootfs().filter((e) => e.path !== "rootfs/bin/busybox");

describe("ACI entry rules", () => {
  const cases: [string, TarEntry[], RegExp][] = [
    ["an absolute path", [...base(), { path: "/etc/evil", type: "File", data: "x" }], /entry '\/etc\/evil': absolute path/],
    ["a '..' path", [...base(), { path: "rootfs/../evil", type: "File", data: "x" }], /entry 'rootfs\/..\/evil': path 'rootfs\/\.\.\/evil' contains '\.\.'/],
    ["a device node", [...base(), { path: "rootfs/dev-null", type: "CharacterDevice" }], /entry 'rootfs\/dev-null': device nodes are refused/],
    ["a block device", [...base(), { path: "rootfs/sda", type: "BlockDevice" }], /device nodes are refused/],
    ["a FIFO", [...base(), { path: "rootfs/fifo", type: "FIFO" }], /unsupported entry type 'FIFO'/],
    ["a symlink escaping rootfs", [...base(), { path: "rootfs/etc/up", type: "SymbolicLink", linkpath: "../../../etc" }], /symlink target '..\/..\/..\/etc' escapes rootfs/],
    [
      "a file written through a symlink",
      [...base(), { path: "rootfs/hostetc", type: "SymbolicLink", linkpath: "/etc" }, { path: "rootfs/hostetc/passwd", type: "File", data: "x" }],
      /entry 'rootfs\/hostetc\/passwd': lies under 'rootfs\/hostetc', which is a symlink/,
    ],
    ["a hard link to nothing earlier", [...base(), { path: "rootfs/h", type: "Link", linkpath: "rootfs/later" }], /hard link target 'rootfs\/later' is not an earlier regular file/],
    ["a hard link out of the archive", [...base(), { path: "rootfs/h", type: "Link", linkpath: "../etc/passwd" }], /entry 'rootfs\/h': hard link target '\.\.\/etc\/passwd' contains '\.\.'/],
    ["a hard link to a symlink", [...base(), { path: "rootfs/h", type: "Link", linkpath: "rootfs/bin/sh" }], /not an earlier regular file/],
    ["a third top-level entry", [...base(), { path: "extra", type: "File", data: "x" }], /only 'manifest' and 'rootfs\/' at the top/],
    ["a duplicate entry", [...base(), { path: "rootfs/etc/passwd", type: "File", data: "again" }], /entry 'rootfs\/etc\/passwd': duplicate entry/],
    ["no rootfs directory entry", base().filter((e) => e.path !== "rootfs/"), /no 'rootfs' directory entry/],
    ["rootfs as a file", [{ path: "rootfs", type: "File", data: "x" }], /entry 'rootfs': must be a directory/],
    ["a non-normalized path", [...base(), { path: "rootfs//x", type: "File", data: "x" }], /not normalized/],
  ];
  for (const [what, entries, message] of cases) {
    it(`refuses ${what}`, async () => {
      expect(await rejection(entries)).toMatch(message);
    });
  }

  it("accepts absolute symlinks (resolved inside rootfs at run time) and relative ones that stay inside", async () => {
    const dir = await tempDir();
    const entries = [
      ...base(),
      { path: "rootfs/abs", type: "SymbolicLink", linkpath: "/nix/store/x-y/bin/sh" },
      { path: "rootfs/etc/rel", type: "SymbolicLink", linkpath: "../bin/sh" },
    ] satisfies TarEntry[];
    const info = await readImage(await writeAci(dir, { entries }));
    expect(info.entryCount).toBe(entries.length + 1);
  });

  it("refuses an image without a manifest", async () => {
    const dir = await tempDir();
    const { tarBytes } = await import("./support/aci.js");
    const { writeFile } = await import("node:fs/promises");
    const path = `${dir}/nomanifest.aci`;
    await writeFile(path, tarBytes(base()));
    await expect(readImage(path)).rejects.toThrow(/no 'manifest' entry: not an ACI/);
  });
});
