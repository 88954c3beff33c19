/**
 * Hostile archives, run and inspected: each is refused with one line naming the entry and the
 * rule (or, where noted, contained), the host stays as it was, and nothing is left. Every case
 * runs in this process (runImage and readImage, as `run` and `inspect` call them); a few also go
 * through the CLI, for its exit codes and its one line on stderr.
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { busyboxRootfs, compress, manifestFor, tarBytes, writeAci, type TarEntry } from "./support/aci.js";
import { ImageError, readImage } from "../../lib/image/index.js";
import { expectContained, expectRun, makeHost, type Host } from "./support/hostile.js";

const rootfs = (...extra: TarEntry[]): TarEntry[] => busyboxRootfs({ extra });

interface ArchiveCase {
  readonly what: string;
  readonly entries?: TarEntry[];
  readonly bytes?: () => Buffer;
  readonly error: RegExp;
}

const cases: ArchiveCase[] = [
  { what: "a '..' path", entries: rootfs({ path: "rootfs/../../x", type: "File", data: "x" }), error: /entry 'rootfs\/\.\.\/\.\.\/x': path 'rootfs\/\.\.\/\.\.\/x' contains '\.\.'/ },
  { what: "an absolute path", entries: rootfs({ path: "/etc/evil", type: "File", data: "x" }), error: /entry '\/etc\/evil': absolute path/ },
  { what: "a hard link to a host file", entries: rootfs({ path: "rootfs/h", type: "Link", linkpath: "/etc/passwd" }), error: /entry 'rootfs\/h': absolute hard link target '\/etc\/passwd'/ },
  { what: "a hard link climbing out", entries: rootfs({ path: "rootfs/h", type: "Link", linkpath: "../../etc/passwd" }), error: /entry 'rootfs\/h': hard link target '\.\.\/\.\.\/etc\/passwd' contains '\.\.'/ },
  { what: "a device node", entries: rootfs({ path: "rootfs/mem", type: "CharacterDevice" }), error: /entry 'rootfs\/mem': device nodes are refused/ },
  { what: "a FIFO", entries: rootfs({ path: "rootfs/fifo", type: "FIFO" }), error: /entry 'rootfs\/fifo': unsupported entry type 'FIFO'/ },
  { what: "a duplicate entry", entries: rootfs({ path: "rootfs/etc/passwd", type: "File", data: "evil::0:0::/:/bin/sh\n" }), error: /entry 'rootfs\/etc\/passwd': duplicate entry/ },
  { what: "a file through a symlink", entries: rootfs({ path: "rootfs/up", type: "SymbolicLink", linkpath: "/" }, { path: "rootfs/up/x", type: "File", data: "x" }), error: /lies under 'rootfs\/up', which is a symlink/ },
  {
    what: "a truncated gzip stream",
    bytes: () => {
      const whole = compress(tarBytes([{ path: "manifest", type: "File", data: JSON.stringify(manifestFor("nix2aci.test/hostile")) }, ...rootfs()]), "gzip");
      return whole.subarray(0, Math.floor(whole.length / 2));
    },
    error: /not a valid ACI archive: .*(unexpected end|truncated)/i,
  },
  { what: "an unknown compression (zstd)", bytes: () => Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(4096, 7)]), error: /not a valid ACI archive|no 'manifest' entry/ },
  // node-tar skips these without a word; GNU tar would extract some of them as regular files.
  { what: "an unknown entry type 'Z' climbing out", entries: rootfs({ path: "rootfs/../../x", type: "File", typeflag: "Z", data: "x" }), error: /entry 'rootfs\/\.\.\/\.\.\/x': unknown tar entry type/ },
  { what: "a GNU sparse file", entries: rootfs({ path: "rootfs/sparse", type: "File", typeflag: "S", data: "x" }), error: /entry 'rootfs\/sparse': unsupported entry type SparseFile \('S'\)/ },
  { what: "a tape volume header", entries: rootfs({ path: "rootfs/v", type: "File", typeflag: "V" }), error: /entry 'rootfs\/v': unsupported entry type TapeVolumeHeader \('V'\)/ },
  { what: "a multi-volume continuation", entries: rootfs({ path: "rootfs/m", type: "File", typeflag: "M", data: "x" }), error: /entry 'rootfs\/m': unsupported entry type ContinuationFile \('M'\)/ },
  { what: "a Solaris ACL", entries: rootfs({ path: "rootfs/a", type: "File", typeflag: "A", data: "x" }), error: /entry 'rootfs\/a': unsupported entry type SolarisACL \('A'\)/ },
  { what: "an inode-only entry", entries: rootfs({ path: "rootfs/i", type: "File", typeflag: "I" }), error: /entry 'rootfs\/i': unsupported entry type Inode \('I'\)/ },
  { what: "a GNU dump directory", entries: rootfs({ path: "rootfs/d", type: "File", typeflag: "D" }), error: /entry 'rootfs\/d': unsupported entry type 'GNUDumpDir'/ },
  {
    what: "an extended header too large to read",
    entries: rootfs({ path: "rootfs/PaxHeaders/x", type: "File", typeflag: "x", data: `${"9".repeat(7)} comment=${"y".repeat(1_200_000)}\n` }),
    error: /entry '.*': tar metadata \(ExtendedHeader\) of \d+ bytes is larger than node-tar reads/,
  },
  {
    what: "a manifest of 200,000 nested arrays",
    bytes: () => {
      const manifest = JSON.stringify(manifestFor("nix2aci.test/hostile")).replace(/}$/, `,"deep":${"[".repeat(200_000)}${"]".repeat(200_000)}}`);
      return gzipSync(tarBytes([{ path: "manifest", type: "File", data: manifest }, ...rootfs()]));
    },
    error: /manifest nests arrays\/objects deeper than 64 levels/,
  },
];

describe("hostile archives: refused with the entry named, host untouched, nothing left", () => {
  let host: Host;
  beforeAll(async () => {
    host = await makeHost();
  });

  const write = async (index: number, archive: ArchiveCase): Promise<string> => {
    const file = join(host.dir, `case-${index}.aci`);
    if (archive.bytes !== undefined) writeFileSync(file, archive.bytes());
    else await writeAci(host.dir, { fileName: `case-${index}.aci`, manifest: manifestFor("nix2aci.test/hostile"), entries: archive.entries ?? [] });
    return file;
  };

  for (const [index, archive] of cases.entries()) {
    it(`refuses ${archive.what} (run: status 125; inspect: ImageError)`, async () => {
      const file = await write(index, archive);
      await expectRun(host, ["--insecure-options=image", file], { code: 125, error: archive.error });
      await expect(readImage(file)).rejects.toThrow(ImageError);
      await expect(readImage(file)).rejects.toThrow(archive.error);
    });
  }

  for (const what of ["an unknown entry type 'Z' climbing out", "a manifest of 200,000 nested arrays"]) {
    it(`prints one line for ${what}: run exits 125, inspect 1`, async () => {
      const index = cases.findIndex((archive) => archive.what === what);
      const archive = cases[index];
      if (archive === undefined) throw new Error(`no case '${what}'`);
      const file = await write(100 + index, archive);
      await expectContained(host, ["run", "--insecure-options=image", file], { code: 125, error: archive.error });
      await expectContained(host, ["inspect", file], { code: 1, error: archive.error });
    });
  }

  it("contains a path that is not UTF-8: unpacked under the decoded name, inside the image", async () => {
    const name = Buffer.concat([Buffer.from("rootfs/bad-"), Buffer.from([0xff, 0xfe]), Buffer.from(".txt")]);
    const entries = rootfs({ path: "", pathBytes: name, type: "File", data: "inside\n" });
    const manifest = manifestFor("nix2aci.test/hostile", { exec: ["/bin/sh", "-c", "cat /bad-* > /out/utf8"], mountPoints: [{ name: "out", path: "/out" }] });
    const image = await writeAci(host.dir, { fileName: "utf8.aci", manifest, entries });
    await expectRun(host, ["--insecure-options=image", "--volume", `out,kind=host,source=${host.out}`, image], { code: 0 });
    expect(readFileSync(join(host.out, "utf8"), "utf8")).toBe("inside\n");
  });

  it("says in one line that an unreadable image cannot be read (EACCES, as an ordinary user)", async () => {
    const image = await writeAci(host.dir, { fileName: "unreadable.aci" });
    chmodSync(image, 0o600); // root's; uid 1000 may not read it
    const error = /unreadable\.aci: cannot read image: EACCES/;
    await expectContained(host, ["inspect", image], { code: 1, error }, { asUser: 1000 });
    await expectContained(host, ["run", "--insecure-options=image", image], { code: 125, error }, { asUser: 1000, env: { NIX2ACI_CACHE_DIR: join(host.dir, "user-cache") } });
  });
});
