/**
 * Hostile images against the run's file system: mount points behind symlinks that aim at the
 * host, an app that keeps CAP_SYS_ADMIN and tries to undo read-only mounts, setuid files in the
 * cache. Each asserts the exit status, the message, the host tree unchanged and no leftovers.
 */
import { chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readImage } from "../../lib/image/index.js";
import { cacheKey } from "../../lib/run/index.js";
import { busyboxRootfs, manifestFor, writeAci, type TarEntry } from "./support/aci.js";
import { snapshot } from "./support/host.js";
import { expectContained, expectRun, makeHost, type Host } from "./support/hostile.js";

const INSECURE = "--insecure-options=image";

describe("hostile mount points: resolved inside the image's root, never on the host", () => {
  let host: Host;
  beforeAll(async () => {
    host = await makeHost();
  });
  const outVolume = () => ["--volume", `out,kind=host,source=${host.out}`];

  it("mounts a volume behind an absolute symlink to the host (/oldroot/...) inside the image, not on the host", async () => {
    const manifest = manifestFor("nix2aci.test/escape-absolute", {
      exec: ["/bin/sh", "-c", "echo landed > /esc/PWNED/proof; ls /oldroot > /out/oldroot-inside"],
      mountPoints: [{ name: "m", path: "/esc/PWNED" }, { name: "out", path: "/out" }],
    });
    const entries = busyboxRootfs({ extra: [{ path: "rootfs/esc", type: "SymbolicLink", linkpath: `/oldroot${host.victim}` }] });
    const image = await writeAci(host.dir, { fileName: "escape-absolute.aci", manifest, entries });
    const target = join(host.dir, "m-volume");
    mkdirSync(target);
    await expectRun(host, [INSECURE, "--volume", `m,kind=host,source=${target}`, ...outVolume(), image], { code: 0, mayChange: ["m-volume"] });
    // The mount is where the image asked, in its own root; the host's victim folder is untouched.
    expect(readFileSync(join(target, "proof"), "utf8")).toBe("landed\n");
    expect(readFileSync(join(host.out, "oldroot-inside"), "utf8").trim()).toBe(host.victim.split("/")[1]);
  });

  it("does the same with an empty volume and with a host file as the volume", async () => {
    const manifest = manifestFor("nix2aci.test/escape-file", {
      exec: ["/bin/sh", "-c", "echo into-file > /esc/PWNED; test -d /esc2/PWNED && echo empty-ok > /out/empty"],
      mountPoints: [{ name: "m", path: "/esc/PWNED" }, { name: "e", path: "/esc2/PWNED" }, { name: "out", path: "/out" }],
    });
    const entries = busyboxRootfs({
      extra: [
        { path: "rootfs/esc", type: "SymbolicLink", linkpath: `/oldroot${host.victim}` },
        { path: "rootfs/esc2", type: "SymbolicLink", linkpath: `/oldroot${host.victim}/etc` },
      ],
    });
    const image = await writeAci(host.dir, { fileName: "escape-file.aci", manifest, entries });
    const file = join(host.dir, "m-file");
    writeFileSync(file, "");
    await expectRun(host, [INSECURE, "--volume", `m,kind=host,source=${file}`, ...outVolume(), image], { code: 0, mayChange: ["m-file"] });
    expect(readFileSync(file, "utf8")).toBe("into-file\n");
    expect(readFileSync(join(host.out, "empty"), "utf8")).toBe("empty-ok\n");
  });

  it("refuses a relative chain of symlinks that climbs above the image's root", async () => {
    const manifest = manifestFor("nix2aci.test/escape-relative", { exec: ["/bin/true"], mountPoints: [{ name: "m", path: "/esc/PWNED" }] });
    const entries = busyboxRootfs({
      extra: [
        { path: "rootfs/a/", type: "Directory" },
        { path: "rootfs/a/b/", type: "Directory" },
        { path: "rootfs/a/b/up", type: "SymbolicLink", linkpath: "../.." },
        { path: "rootfs/esc", type: "SymbolicLink", linkpath: `a/b/up/../oldroot${host.victim}` },
      ],
    });
    const image = await writeAci(host.dir, { fileName: "escape-relative.aci", manifest, entries });
    await expectRun(host, [INSECURE, image], {
      code: 125,
      error: /mountPoint 'm' path '\/esc\/PWNED': resolving '\/esc\/PWNED' in the image climbs above its root/,
    });
  });

  it("keeps /proc and /dev inside the image when they are symlinks to the host", async () => {
    const manifest = manifestFor("nix2aci.test/escape-proc", { exec: ["/bin/sh", "-c", "test -r /proc/self/status && test -c /dev/null && echo ok > /out/proc"], mountPoints: [{ name: "out", path: "/out" }] });
    const entries = busyboxRootfs({
      extra: [
        { path: "rootfs/proc", type: "SymbolicLink", linkpath: `/oldroot${host.victim}/etc` },
        { path: "rootfs/dev", type: "SymbolicLink", linkpath: `/oldroot${host.dir}-dev` },
      ],
    });
    const image = await writeAci(host.dir, { fileName: "escape-proc.aci", manifest, entries });
    await expectRun(host, [INSECURE, ...outVolume(), image], { code: 0 });
    expect(readFileSync(join(host.out, "proc"), "utf8")).toBe("ok\n");
  });

  it("refuses to create a mount point inside a read-only volume", async () => {
    const manifest = manifestFor("nix2aci.test/ro-mountpoint", { exec: ["/bin/true"], mountPoints: [{ name: "ro", path: "/ro", readOnly: true }] });
    const image = await writeAci(host.dir, { fileName: "ro-mountpoint.aci", manifest });
    const ro = join(host.dir, "ro-volume");
    mkdirSync(ro, { recursive: true });
    await expectRun(host, [INSECURE, "--volume", `ro,kind=host,source=${ro}`, "--volume", `x,kind=empty`, "--mount", "volume=x,target=/ro/sub", image], {
      code: 125,
      error: /--mount volume=x path '\/ro\/sub': '\/ro\/sub' does not exist in read-only host volume 'ro', and nothing can be created there/,
    });
  });
});

// What an app that keeps CAP_SYS_ADMIN tries: make the read-only volume writable, remove the
// mounts, write the image's files (those writes may land only in the run's own layer).
const ATTACK = [
  "exec > /out/attack 2>&1",
  "/bin/busybox mount -o remount,bind,rw /ro && echo remounted-volume",
  "echo pwned > /ro/file && echo wrote-volume",
  "/bin/busybox umount -l /ro && echo unmounted-volume",
  "/bin/busybox umount -l / && echo unmounted-root",
  "chmod 0777 /nix/store/abc-pkg; echo pwned > /nix/store/abc-pkg/data && echo wrote-store-in-run",
  "cat /nix/store/abc-pkg/data",
  "grep CapEff /proc/self/status",
].join("\n");

const storeEntries: TarEntry[] = [
  { path: "rootfs/nix/", type: "Directory" },
  { path: "rootfs/nix/store/", type: "Directory" },
  { path: "rootfs/nix/store/abc-pkg/", type: "Directory", mode: 0o555 },
  { path: "rootfs/nix/store/abc-pkg/data", type: "File", data: "pristine\n", mode: 0o444 },
];

describe("an app that keeps CAP_SYS_ADMIN cannot undo read-only mounts", () => {
  for (const asUser of [undefined, 1000] as const) {
    it(`keeps a read-only volume and the cached image read-only (${asUser === undefined ? "as root" : "without root"})`, async () => {
      const host = await makeHost();
      if (asUser !== undefined) for (const dir of [host.cache, host.out]) chownSync(dir, asUser, asUser);
      const ro = join(host.dir, "ro-volume");
      mkdirSync(ro);
      writeFileSync(join(ro, "file"), "host data\n");
      const manifest = manifestFor("nix2aci.test/sysadmin", {
        exec: ["/bin/sh", "-c", ATTACK],
        mountPoints: [{ name: "ro", path: "/ro", readOnly: true }, { name: "out", path: "/out" }],
        isolators: [{ name: "os/linux/capabilities-retain-set", value: { set: ["CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_CHOWN"] } }],
      });
      const image = await writeAci(host.dir, { fileName: "sysadmin.aci", manifest, entries: busyboxRootfs({ extra: storeEntries }) });
      const flags = [INSECURE, "--volume", `ro,kind=host,source=${ro}`, "--volume", `out,kind=host,source=${host.out}`];
      // As root in this process; without root as a process of uid 1000.
      const run = (argv: string[]) => (asUser === undefined ? expectRun(host, argv, { code: 0 }) : expectContained(host, ["run", ...argv], { code: 0 }, { asUser }));
      // A first, harmless run unpacks the image; the cached tree must not change after that.
      await run([...flags, "--exec", "/bin/true", image]);
      const cached = join(host.cache, "images", cacheKey((await readImage(image)).imageId));
      const before = snapshot(cached, ["last-used", "info.json"]);
      await run([...flags, image]);
      expect(snapshot(cached, ["last-used", "info.json"])).toEqual(before);
      const seen = readFileSync(join(host.out, "attack"), "utf8");
      // The capability is there (bit 21), yet nothing was remounted or unmounted, the volume was
      // not written, and the image's file changed only in this run's own view.
      expect(seen).toMatch(/CapEff:\s+0000000000(2|a)0000b/);
      expect(seen).not.toMatch(/remounted|wrote-volume|unmounted/);
      expect(seen).toMatch(/^pwned$/m);
      expect(readFileSync(join(ro, "file"), "utf8")).toBe("host data\n");
    });
  }
});

// A run without volumes has no outer bubblewrap: the overlay itself must reach the app locked.
const ATTACK_WITHOUT_VOLUMES = [
  "exec 2>&1",
  "/bin/busybox umount -l / && echo unmounted-root",
  "/bin/busybox umount -l /nix/store && echo unmounted-store",
  "chmod 0777 /nix/store/abc-pkg; echo pwned > /nix/store/abc-pkg/data && echo wrote-store-in-run",
  "cat /nix/store/abc-pkg/data",
  "grep CapEff /proc/self/status",
].join("\n");

describe("an app that keeps CAP_SYS_ADMIN in a run without volumes", () => {
  for (const asUser of [undefined, 1000] as const) {
    it(`cannot unmount its root or change the cached image (${asUser === undefined ? "as root" : "without root"})`, async () => {
      const host = await makeHost();
      if (asUser !== undefined) chownSync(host.cache, asUser, asUser);
      const manifest = manifestFor("nix2aci.test/sysadmin-novolumes", {
        exec: ["/bin/sh", "-c", ATTACK_WITHOUT_VOLUMES],
        isolators: [{ name: "os/linux/capabilities-retain-set", value: { set: ["CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_CHOWN"] } }],
      });
      const image = await writeAci(host.dir, { fileName: "sysadmin-novolumes.aci", manifest, entries: busyboxRootfs({ extra: storeEntries }) });
      const options = asUser === undefined ? {} : { asUser };
      await expectContained(host, ["run", INSECURE, "--exec", "/bin/true", image], { code: 0 }, options);
      const cached = join(host.cache, "images", cacheKey((await readImage(image)).imageId));
      const before = snapshot(cached, ["last-used", "info.json"]);
      const seen = (await expectContained(host, ["run", INSECURE, image], { code: 0 }, options)).stdout;
      expect(seen).toMatch(/CapEff:\s+0000000000(2|a)0000b/);
      expect(seen).not.toMatch(/unmounted/);
      expect(seen).toMatch(/^pwned$/m);
      expect(snapshot(cached, ["last-used", "info.json"])).toEqual(before);
      // The next run sees the pristine file: the write stayed in the first run's own layer.
      const next = (await expectContained(host, ["run", INSECURE, "--exec", "/bin/sh", image, "--", "-c", "cat /nix/store/abc-pkg/data"], { code: 0 }, options)).stdout;
      expect(next).toBe("pristine\n");
    });
  }
});

describe("the cache: private, and never a setuid or setgid file", () => {
  it("drops setuid/setgid bits of an unverified image's files and keeps the cache 0700", async () => {
    const host = await makeHost();
    const shared = join(host.dir, "shared-cache");
    mkdirSync(shared, { mode: 0o755 });
    const entries = busyboxRootfs({
      extra: [
        { path: "rootfs/bin/rootshell", type: "File", data: "#!/bin/sh\nid\n", mode: 0o4755 },
        { path: "rootfs/bin/groupshell", type: "File", data: "#!/bin/sh\nid\n", mode: 0o2755 },
      ],
    });
    const image = await writeAci(host.dir, { fileName: "setuid.aci", manifest: manifestFor("nix2aci.test/setuid", { exec: ["/bin/true"] }), entries });
    await expectRun(host, [INSECURE, image], { code: 0, mayChange: ["shared-cache"] }, shared);
    const rootfs = join(shared, "images", cacheKey((await readImage(image)).imageId), "rootfs");
    expect(statSync(join(rootfs, "bin/rootshell")).mode & 0o7777).toBe(0o755);
    expect(statSync(join(rootfs, "bin/groupshell")).mode & 0o7777).toBe(0o755);
    for (const dir of [shared, join(shared, "images"), join(shared, "runs")]) expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(shared, "runs"))).toEqual([]);
  });

  it("refuses a cache folder that belongs to another user", async () => {
    const host = await makeHost();
    const theirs = join(host.dir, "their-cache");
    mkdirSync(join(theirs, "images"), { recursive: true, mode: 0o777 });
    chownSync(theirs, 1000, 1000);
    chownSync(join(theirs, "images"), 1000, 1000);
    const image = await writeAci(host.dir, { fileName: "theirs.aci", manifest: manifestFor("nix2aci.test/theirs", { exec: ["/bin/true"] }) });
    await expectRun(host, [INSECURE, image], { code: 125, error: /cache folder '.*their-cache' belongs to uid 1000, not to you \(uid 0\)/ }, theirs);
  });
});
