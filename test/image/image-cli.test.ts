/** `nix2aci image list|rm|gc` on a store filled by runs, and progress lines on a terminal only. */
import { existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readImage } from "../../lib/image/index.js";
import { cacheKey } from "../../lib/run/index.js";
import { trustKeys } from "../../lib/sign/index.js";
import { requireTool } from "../support/tools.js";
import { manifestFor, writeAci } from "../run/support/aci.js";
import { bundledCli, cli, startCli } from "../run/support/bundled-cli.js";
import { makeKey, type TestKey } from "../run/support/gpg.js";
import { sandbox, type Sandbox } from "../run/support/run.js";
import { spawnCommand } from "../run/support/spawn-cli.js";
import { eventually } from "../run/support/tmux.js";

const PREFIX = "nix2aci.test/store-cli";
const DAY_MS = 24 * 60 * 60 * 1000;

interface Listed {
  readonly store: string;
  readonly totalSize: number;
  readonly images: readonly { readonly id: string; readonly name: string; readonly version: string | null; readonly size: number; readonly lastUsed: string }[];
}

describe("nix2aci image", () => {
  let box: Sandbox;
  const env = () => ({ NIX2ACI_CACHE_DIR: box.cacheDir, NIX2ACI_TRUST_DIR: box.trustDir });
  const image = (...args: string[]) => cli(["image", ...args], { env: env() });
  const listed = async (): Promise<Listed> => {
    const result = await image("list", "--json");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Listed;
  };
  /** Writes an image that records `greeting` and stores it by running it; returns its ID. */
  const stored = async (fileName: string, name: string, version: string, exec = "true"): Promise<{ file: string; id: string }> => {
    const file = await writeAci(box.dir, {
      fileName,
      manifest: manifestFor(name, { exec: ["/bin/sh", "-c", exec], mountPoints: [{ name: "out", path: "/out" }] }, { version, os: "linux", arch: "amd64" }),
    });
    expect((await box.run(["--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`, file])).code).toBe(0);
    return { file, id: (await readImage(file)).imageId };
  };
  const setLastUsed = (id: string, daysAgo: number) => {
    const when = new Date(Date.now() - daysAgo * DAY_MS);
    utimesSync(join(box.cacheDir, "images", cacheKey(id), "last-used"), when, when);
  };

  beforeAll(async () => {
    box = await sandbox();
  });

  it("lists the stored images (ID, name, version, size, last use) and their total, as a table and as JSON", async () => {
    const a = await stored("list-a.aci", `${PREFIX}/list-a`, "1.0");
    const b = await stored("list-b.aci", `${PREFIX}/list-b`, "2.5");
    const table = await image("list");
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID +NAME +VERSION +SIZE +LAST USED$/);
    expect(lines[1]).toMatch(new RegExp(`^${a.id.slice(0, 19)} +${PREFIX}/list-a +1\\.0 +\\d`));
    expect(lines[2]).toMatch(new RegExp(`^${b.id.slice(0, 19)} +${PREFIX}/list-b +2\\.5 +\\d`));
    expect(lines[3]).toMatch(new RegExp(`^2 images, .* in ${box.cacheDir} \\(limit it with: nix2aci image gc --max-size=SIZE\\)$`));
    const json = await listed();
    expect(json.store).toBe(box.cacheDir);
    expect(json.images.map((row) => [row.id, row.name, row.version])).toEqual([
      [a.id, `${PREFIX}/list-a`, "1.0"],
      [b.id, `${PREFIX}/list-b`, "2.5"],
    ]);
    const sizes = await Promise.all([a.file, b.file].map(async (file) => (await readImage(file)).uncompressedSize));
    expect(json.images.map((row) => row.size)).toEqual(sizes);
    expect(json.totalSize).toBe(sizes[0]! + sizes[1]!);
    await image("rm", a.id, b.id);
  });

  it("rm removes by ID prefix, by NAME:VERSION and by NAME; an unknown one removes nothing and fails", async () => {
    const one = await stored("rm-1.aci", `${PREFIX}/rm`, "1");
    const two = await stored("rm-2.aci", `${PREFIX}/rm`, "2");
    const three = await stored("rm-3.aci", `${PREFIX}/rm`, "3");
    const other = await stored("rm-other.aci", `${PREFIX}/rm-other`, "1");
    const ids = async () => (await listed()).images.map((row) => row.id).sort();

    const typo = await image("rm", one.id, `${PREFIX}/no-such`);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe(`nix2aci image: no image '${PREFIX}/no-such' in the store\n`);
    expect(await ids()).toEqual([one.id, two.id, three.id, other.id].sort());
    const badId = await image("rm", "sha512-xyz");
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/^nix2aci image: 'sha512-xyz' is not an image ID/);

    const byPrefix = await image("rm", one.id.slice(0, "sha512-".length + 10));
    expect(byPrefix.code).toBe(0);
    expect(byPrefix.stdout).toBe(`removed ${one.id.slice(0, 19)} ${PREFIX}/rm 1\n`);
    expect(existsSync(join(box.cacheDir, "images", cacheKey(one.id)))).toBe(false);
    expect((await image("rm", `${PREFIX}/rm:2`)).code).toBe(0);
    expect(await ids()).toEqual([three.id, other.id].sort());
    expect((await image("rm", `${PREFIX}/rm`)).code).toBe(0);
    expect(await ids()).toEqual([other.id]);
    expect((await image("rm", other.id)).code).toBe(0);
    expect((await listed()).images).toEqual([]);
  });

  it("rm and gc leave an image alone while a running app uses it, and the run is not disturbed", async () => {
    const wait = "echo started > /out/started; while [ ! -e /out/go ]; do sleep 0.1; done; cat /bin/busybox > /dev/null && echo finished > /out/finished";
    const busy = await stored("busy.aci", `${PREFIX}/busy`, "1", "true");
    const running = await startCli(["run", "--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`, "--exec=/bin/sh", `${PREFIX}/busy`, "--", "-c", wait], { env: env() });
    try {
      await eventually("the app to start", () => (existsSync(join(box.outDir, "started")) ? true : undefined));
      const refused = await image("rm", `${PREFIX}/busy`);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`^nix2aci image: image ${busy.id.slice(0, 19)} \\(${PREFIX}/busy\\) is in use by the run of pid ${running.child.pid}; remove it when that run has ended\\n$`));
      setLastUsed(busy.id, 400);
      const gc = await image("gc", "--unused-for=1", "--max-size=0");
      expect(gc.code).toBe(0);
      expect(gc.stdout).toContain(`kept ${busy.id.slice(0, 19)} ${PREFIX}/busy: in use\n`);
      expect(existsSync(join(box.cacheDir, "images", cacheKey(busy.id), "rootfs", "bin", "busybox"))).toBe(true);
    } finally {
      writeFileSync(join(box.outDir, "go"), "");
    }
    const done = await running.done;
    expect(done.code).toBe(0);
    expect(readFileSync(join(box.outDir, "finished"), "utf8")).toBe("finished\n");
    // Once the run has ended, it goes.
    expect((await image("rm", busy.id)).code).toBe(0);
  });

  it("gc removes images unused for DAYS, then the least recently used down to --max-size", async () => {
    const old = await stored("gc-old.aci", `${PREFIX}/gc-old`, "1");
    const older = await stored("gc-older.aci", `${PREFIX}/gc-older`, "1");
    const recent = await stored("gc-recent.aci", `${PREFIX}/gc-recent`, "1");
    const newest = await stored("gc-newest.aci", `${PREFIX}/gc-newest`, "1");
    setLastUsed(old.id, 40);
    setLastUsed(older.id, 3);
    setLastUsed(recent.id, 2);
    setLastUsed(newest.id, 1);

    const byAge = await image("gc");
    expect(byAge.code).toBe(0);
    expect(byAge.stdout).toMatch(new RegExp(`^removed ${old.id.slice(0, 19)} ${PREFIX}/gc-old \\(.*, last used .*\\)\\n1 removed; the store now takes .*\\n$`));
    expect((await listed()).images.map((row) => row.name)).toEqual([`${PREFIX}/gc-newest`, `${PREFIX}/gc-older`, `${PREFIX}/gc-recent`]);

    const nothing = await image("gc", "--unused-for=30", "--max-size=10GiB");
    expect(nothing.stdout).toMatch(/^0 removed; the store now takes /);
    const byDays = await image("gc", "--unused-for=2.5");
    expect(byDays.stdout).toContain(`removed ${older.id.slice(0, 19)}`);
    expect((await listed()).images.map((row) => row.id)).toEqual([newest.id, recent.id]);

    const newestSize = (await listed()).images.find((row) => row.id === newest.id)?.size ?? 0;
    const bySize = await image("gc", `--max-size=${newestSize}`);
    expect(bySize.code).toBe(0);
    expect(bySize.stdout).toContain(`removed ${recent.id.slice(0, 19)}`);
    expect((await listed()).images.map((row) => row.id)).toEqual([newest.id]);
    expect((await listed()).totalSize).toBe(newestSize);

    for (const bad of [["gc", "--max-size=lots"], ["gc", "--unused-for=-1"], ["frobnicate"], []]) {
      const result = await image(...bad);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^nix2aci image: .*\(see 'nix2aci image --help'\)\n$/);
    }
    expect((await image("gc", "--max-size=0")).code).toBe(0);
    expect((await listed()).images).toEqual([]);
  });

  describe("progress", () => {
    let key: TestKey;
    beforeAll(async () => {
      key = await makeKey("progress@nix2aci.test");
      await trustKeys(readFileSync(key.publicKeyFile, "utf8"), { prefix: PREFIX }, box.trustDir);
    });
    afterAll(() => key?.dispose());

    const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
    /** `nix2aci ARGS` with its output on a terminal (util-linux script gives it a pty). */
    const onTerminal = async (args: readonly string[]) => {
      requireTool("script", "util-linux");
      const command = [process.execPath, await bundledCli(), ...args].map(quote).join(" ");
      return spawnCommand(["script", "-qec", command, "/dev/null"], env(), "/");
    };
    const signedImage = async (fileName: string) => {
      const file = await writeAci(box.dir, { fileName, manifest: manifestFor(`${PREFIX}/progress`, { exec: ["/bin/true"] }, { version: fileName, os: "linux", arch: "amd64" }) });
      key.sign(file);
      return file;
    };

    it("shows the signature check and the first unpack on a terminal", async () => {
      const file = await signedImage("progress-tty.aci");
      const result = await onTerminal(["run", file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/checking the signature of nix2aci\.test\/store-cli\/progress: [\d.]+ \w+ of [\d.]+ \w+/);
      expect(result.stdout).toMatch(/unpacking progress-tty\.aci: [\d.]+ \w+ of [\d.]+ \w+/);
      // The line is erased when done.
      expect(result.stdout).toContain("\r\x1b[K");
      // A warm run has nothing long to show.
      const warm = await onTerminal(["run", file]);
      expect(warm.code).toBe(0);
      expect(warm.stdout).not.toMatch(/unpacking|checking the signature/);
    });

    it("shows nothing extra when stderr is not a terminal", async () => {
      const file = await signedImage("progress-pipe.aci");
      const result = await cli(["run", file], { env: env() });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe("");
      expect(result.stdout).toBe("");
    });

    it("shows image gc removing images on a terminal", async () => {
      await signedImage("progress-gc.aci").then((file) => cli(["run", file], { env: env() }));
      const result = await onTerminal(["image", "gc", "--max-size=0"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/collecting images: 1 of \d+/);
    });
  });
});
