/**
 * mkACI end to end: real nix-build with nix/host-pkgs.nix, then the images are checked by actool,
 * read entry by entry, and run with bubblewrap seeing nothing but the image's files.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkAciHygiene,
  detectCompression,
  extractAci,
  listAciEntries,
  parseMountsFile,
  readAciManifest,
  runInRootfs,
  type AciEntry,
} from "../support/image.js";
import { nixEvalJson, repoRoot } from "../support/nix.js";
import { requireTool } from "../support/tools.js";
import { buildImages, type BuiltImage } from "./build-fixtures.js";

const names = [
  "busybox",
  "busyboxThin",
  "busyboxStatic",
  "busyboxNone",
  "busyboxBzip2",
  "busyboxXz",
  "hello",
  "helloThin",
  "helloByReference",
  "full",
] as const;
type Name = (typeof names)[number];
const thinImages: ReadonlySet<Name> = new Set(["busyboxThin", "helloThin"]);

let images: Record<Name, BuiltImage>;

beforeAll(async () => {
  images = await buildImages(names);
});

function storePathsIn(entries: readonly AciEntry[]): string[] {
  return entries
    .filter((e) => /^rootfs\/nix\/store\/[^/]+$/.test(e.path))
    .map((e) => e.path.slice("rootfs".length))
    .sort();
}

/**
 * `passthru.manifest` as JSON. A thin image's manifest names its closure, which mkACI reads at
 * evaluation time (import from derivation): Nix 2.8's nix-instantiate --eval needs --read-write-mode.
 */
function passthruManifest(name: Name): unknown {
  return nixEvalJson(`(import ./test/build/fixtures/images.nix {}).${name}.manifest`, ["--read-write-mode"]);
}

describe("image files", () => {
  it.each(names)("%s passes actool validate", (name) => {
    requireTool("actool", "appc-spec");
    const result = spawnSync("actool", ["validate", images[name].aci], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("are named NAME-VERSION-OS-ARCH.aci, with postprocess.sh, and .mounts for thin images", () => {
    expect(basename(images.busybox.aci)).toBe("busybox-1.35.0-linux-amd64.aci");
    expect(basename(images.busyboxThin.aci)).toBe("busybox-thin-1.35.0-linux-amd64.aci");
    expect(basename(images.full.aci)).toBe("full~service-2.0.1-linux-amd64.aci");
    for (const name of names) {
      const script = join(images[name].out, "postprocess.sh");
      expect(readFileSync(script)).toEqual(readFileSync(join(repoRoot, "nix/postprocess.sh")));
      expect(statSync(script).mode & 0o111).toBe(0o111);
      const mounts = images[name].aci.replace(/\.aci$/, ".mounts");
      expect(spawnSync("test", ["-f", mounts]).status === 0).toBe(thinImages.has(name));
    }
  });

  it("passthru.imageFileName names the file", () => {
    expect(nixEvalJson(`(import ./test/build/fixtures/images.nix {}).full.imageFileName`)).toBe(basename(images.full.aci));
  });

  it("use the compression asked for, with the same members whatever it is", async () => {
    const expected = { busyboxNone: "none", busybox: "gzip", busyboxBzip2: "bzip2", busyboxXz: "xz" } as const;
    const listings: string[][] = [];
    for (const [name, compression] of Object.entries(expected) as [Name, string][]) {
      const magic = (await readFile(images[name].aci)).subarray(0, 6);
      expect(detectCompression(magic)).toBe(compression);
      listings.push((await listAciEntries(images[name].aci)).map((e) => `${e.path} ${e.type} ${e.mode} ${e.size}`).slice(1));
    }
    for (const listing of listings) expect(listing).toEqual(listings[0]);
  });

  it("gzip images carry no name and no timestamp in the gzip header", async () => {
    const header = (await readFile(images.busybox.aci)).subarray(0, 10);
    expect(header[3]! & 0x08).toBe(0); // FNAME flag
    expect(header.readUInt32LE(4)).toBe(0); // MTIME
  });
});

describe("tar hygiene", () => {
  it.each(names)("%s: manifest first, rootfs entry, owner 0, one mtime, safe modes and links", async (name) => {
    const problems = await checkAciHygiene(images[name].aci, { storePathsMustBeInImage: !thinImages.has(name) });
    expect(problems).toEqual([]);
  });

  it("extraCommands cannot leave group/world-writable or sticky modes behind (tmp stays 1777)", async () => {
    const entries = new Map((await listAciEntries(images.full.aci)).map((e) => [e.path, e]));
    expect(entries.get("rootfs/srv/open")?.mode).toBe(0o644);
    expect(entries.get("rootfs/srv/shared")?.mode).toBe(0o755);
    // Nix's sandbox already refuses the chmod 4755; whatever got through, no special bit is left.
    expect((entries.get("rootfs/srv/setuid")?.mode ?? -1) & 0o7000).toBe(0);
    expect(entries.get("rootfs/tmp")?.mode).toBe(0o1777);
    expect(entries.get("rootfs/srv/passwd-link")?.linkpath).toBe("../etc/passwd");
  });

  it("lists members sorted by name after manifest and rootfs", async () => {
    for (const name of ["hello", "full", "busyboxThin"] as const) {
      const paths = (await listAciEntries(images[name].aci)).map((e) => e.path);
      expect(paths.slice(0, 2)).toEqual(["manifest", "rootfs"]);
      const rest = paths.slice(2);
      // GNU tar's name order: a folder's members right after it, each folder's entries sorted bytewise.
      const byTreeOrder = [...rest].sort((a, b) => {
        const pa = a.split("/");
        const pb = b.split("/");
        for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
          if (pa[i] !== pb[i]) return Buffer.compare(Buffer.from(pa[i]!), Buffer.from(pb[i]!));
        }
        return pa.length - pb.length;
      });
      expect(rest).toEqual(byTreeOrder);
    }
  });
});

describe("manifest", () => {
  it.each(names)("%s: the manifest in the image equals passthru.manifest (thin images included)", async (name) => {
    expect(await readAciManifest(images[name].aci)).toEqual(passthruManifest(name));
  });

  it("has the version, os and arch labels first and every argument in its place", async () => {
    const manifest = await readAciManifest(images.full.aci);
    expect(manifest.acKind).toBe("ImageManifest");
    expect(manifest.acVersion).toBe("0.8.11");
    expect(manifest).not.toHaveProperty("version");
    expect(manifest.labels).toEqual([
      { name: "version", value: "2.0.1" },
      { name: "os", value: "linux" },
      { name: "arch", value: "amd64" },
      { name: "channel", value: "stable" },
    ]);
    const app = manifest.app as Record<string, unknown>;
    expect(app.environment).toEqual([
      { name: "GREETING", value: 'hi "there" $HOME `x` \\ \n end' },
      { name: "PATH", value: "/bin" },
    ]);
    expect(app.exec).toEqual(["/bin/sh", "-c", 'echo "$GREETING" \'quotes\' \\ $$']);
    expect(app.ports).toEqual([
      { name: "http", protocol: "tcp", port: 8080, count: 1, socketActivated: false },
      { name: "dns", protocol: "udp", port: 53, count: 2, socketActivated: true },
    ]);
    expect(app.userAnnotations).toEqual({ note: "a: b, c" });
    expect(manifest.dependencies).toEqual([{ imageName: "nix2aci.test/base", labels: [{ name: "version", value: "1" }] }]);
  });

  it("of a thin image adds one read-only mountPoint per closure path, matching the .mounts file", async () => {
    for (const [thin, fat] of [["busyboxThin", "busybox"], ["helloThin", "hello"]] as const) {
      const closure = storePathsIn(await listAciEntries(images[fat].aci));
      expect(storePathsIn(await listAciEntries(images[thin].aci))).toEqual(closure);
      const manifest = await readAciManifest(images[thin].aci);
      const allMountPoints = (manifest.app as { mountPoints: { name: string; path: string; readOnly: boolean }[] }).mountPoints;
      // The spec's own mount points come first, unchanged; then one per store path.
      const mountPoints = allMountPoints.filter((m) => m.path.startsWith("/nix/store/"));
      expect(allMountPoints.slice(allMountPoints.length - mountPoints.length)).toEqual(mountPoints);
      expect(mountPoints.map((m) => m.path).sort()).toEqual(closure);
      for (const m of mountPoints) {
        expect(m.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(m.name.startsWith(`nix-store-${basename(m.path).slice(0, 32)}-`)).toBe(true);
        expect(m.readOnly).toBe(true);
      }
      const volumes = parseMountsFile(readFileSync(images[thin].aci.replace(/\.aci$/, ".mounts"), "utf8"));
      expect(volumes).toEqual(mountPoints.map((m) => ({ name: m.name, source: m.path, readOnly: true })));
    }
  });

  it("a thin image keeps its own mount points", async () => {
    const manifest = await readAciManifest(images.helloThin.aci);
    const mountPoints = (manifest.app as { mountPoints: { name: string }[] }).mountPoints;
    expect(mountPoints[0]).toEqual({ name: "data", path: "/data", readOnly: false });
    expect(mountPoints).toHaveLength(4);
  });
});

describe("running the images (bubblewrap, only the image's files visible)", () => {
  it("fat busybox prints its banner", async () => {
    const { rootfs } = await extractAci(images.busybox.aci);
    const run = runInRootfs(rootfs, ["/bin/busybox", "sh", "-c", "busybox | head -n 1"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^BusyBox v1\.35\.0 /);
    expect(run.status).toBe(0);
  });

  it("static busybox prints its banner", async () => {
    const { rootfs } = await extractAci(images.busyboxStatic.aci);
    const run = runInRootfs(rootfs, ["/bin/busybox"]);
    expect(run.stdout).toMatch(/^BusyBox v1\.35\.0 /);
  });

  it("the multi-path program runs in the fat image, and fails without its libc store path", async () => {
    const { rootfs } = await extractAci(images.hello.aci);
    const run = runInRootfs(rootfs, ["/bin/hello", "a b", "ç"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("Hello, world!\narg: a b\narg: ç\n");
    const entries = await listAciEntries(images.hello.aci);
    const closure = storePathsIn(entries);
    expect(closure).toHaveLength(3);
    for (const storePath of closure.filter((p) => !p.endsWith("-hello-1.0"))) {
      const broken = runInRootfs(rootfs, ["/bin/hello"], [], [storePath]);
      expect(broken.status).not.toBe(0);
      expect(broken.stdout).toBe("");
    }
  });

  it("store paths named only in exec or extraCommands are in the image too", async () => {
    const manifest = await readAciManifest(images.helloByReference.aci);
    const exec = (manifest.app as { exec: string[] }).exec;
    expect(exec[0]).toMatch(/^\/nix\/store\/[a-z0-9]{32}-hello-1\.0\/bin\/hello$/);
    const closure = storePathsIn(await listAciEntries(images.helloByReference.aci));
    expect(closure.map((p) => p.slice(44)).sort()).toEqual(["busybox-1.35.0", "glibc-2.36", "hello-1.0", "libgreeting-1.0"]);
    const { rootfs } = await extractAci(images.helloByReference.aci);
    const run = runInRootfs(rootfs, [...exec, "x"]);
    expect(run.stdout).toBe("Hello, world!\narg: x\n");
  });

  it("thin images run with the binds of their .mounts file and fail without them", async () => {
    for (const [name, argv, expected] of [
      ["busyboxThin", ["/bin/busybox"], /^BusyBox v1\.35\.0 /],
      ["helloThin", ["/bin/hello"], /^Hello, world!\n$/],
    ] as const) {
      const { rootfs } = await extractAci(images[name].aci);
      const volumes = parseMountsFile(readFileSync(images[name].aci.replace(/\.aci$/, ".mounts"), "utf8"));
      const run = runInRootfs(rootfs, argv, volumes.map((v) => ({ source: v.source, target: v.source })));
      expect(run.stdout).toMatch(expected);
      expect(run.status).toBe(0);
      const without = runInRootfs(rootfs, argv);
      expect(without.status).not.toBe(0);
      expect(without.stdout).toBe("");
    }
  });

  it("thin images stay under 64 KiB", () => {
    expect(statSync(images.busyboxThin.aci).size).toBeLessThan(64 * 1024);
    expect(statSync(images.helloThin.aci).size).toBeLessThan(64 * 1024);
  });

  it("/etc/passwd, /etc/group and /etc/hosts come from the etc argument, root first", async () => {
    const { rootfs } = await extractAci(images.full.aci);
    const run = runInRootfs(rootfs, [
      "/bin/sh",
      "-c",
      "cat /etc/passwd /etc/group /etc/hosts /srv/readme /etc/profile /share/long-link; ls -ld /tmp",
    ]);
    const files =
      "root:x:0:0:root:/:/bin/sh\napp:x:1000:1000::/srv:/bin/sh\n" +
      "root:x:0:\napp:x:1000:app\n" +
      "127.0.0.1 localhost\n" +
      "it's here\n" +
      "export FROM_PACKAGE=1\n" + // the package's other /etc files stay
      "deep\n"; // a long link to a long path, both intact
    expect(run.stdout.slice(0, files.length)).toBe(files);
    expect(run.stdout.slice(files.length)).toMatch(/^drwxrwxrwt .* \/tmp\n$/);
  });
});
