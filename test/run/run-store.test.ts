/**
 * `nix2aci run` and its image store: runs by ID and name, a file changed in place never runs
 * under its old ID, runs never see each other's writes, the cached tree stays as unpacked.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readImage } from "../../lib/image/index.js";
import { cacheKey } from "../../lib/run/index.js";
import { trustKeys } from "../../lib/sign/index.js";
import { manifestFor, writeAci } from "./support/aci.js";
import { makeKey, type TestKey } from "./support/gpg.js";
import { snapshot } from "./support/host.js";
import { sandbox, type Sandbox } from "./support/run.js";

const PREFIX = "nix2aci.test/store";

describe("nix2aci run: the image store", () => {
  let box: Sandbox;
  let key: TestKey;
  const out = () => ["--volume", `out,kind=host,source=${box.outDir}`];
  const greeter = (fileName: string, name: string, greeting: string, version = "1.0") =>
    writeAci(box.dir, {
      fileName,
      compression: "none",
      manifest: manifestFor(name, { exec: ["/bin/sh", "-c", `echo "${greeting} $*" > /out/greeting`, "sh"], mountPoints: [{ name: "out", path: "/out" }] }, { version, os: "linux", arch: "amd64" }),
    });

  beforeAll(async () => {
    box = await sandbox();
    key = await makeKey("store@nix2aci.test");
    await trustKeys(readFileSync(key.publicKeyFile, "utf8"), { prefix: PREFIX }, box.trustDir);
  });

  afterAll(() => key?.dispose());

  it("runs an image from the store by ID, ID prefix, NAME and NAME:VERSION once its signed file ran", async () => {
    const image = await greeter("greeter.aci", `${PREFIX}/greeter`, "hello");
    key.sign(image);
    expect((await box.run([...out(), image, "--", "file"])).code).toBe(0);
    expect(await box.out("greeting")).toBe("hello file\n");
    const { imageId } = await readImage(image);
    for (const reference of [imageId, imageId.slice(0, "sha512-".length + 8), `${PREFIX}/greeter`, `${PREFIX}/greeter:1.0`]) {
      const result = await box.run([...out(), reference, "--", reference]);
      expect(result.code).toBe(0);
      expect(result.warnings).toEqual([]);
      expect(await box.out("greeting")).toBe(`hello ${reference}\n`);
    }
    await expect(box.run([...out(), `${PREFIX}/greeter:2.0`])).rejects.toThrow(/no image 'nix2aci\.test\/store\/greeter:2\.0' in the store/);
    await expect(box.run([...out(), "sha512-zz"])).rejects.toThrow(/'sha512-zz' is not an image ID/);
  });

  it("runs a stored image that was never verified only with --insecure-options=image, and asks for a version when a name is ambiguous", async () => {
    const one = await greeter("unsigned-1.aci", `${PREFIX}/unsigned`, "one", "1");
    const two = await greeter("unsigned-2.aci", `${PREFIX}/unsigned`, "two", "2");
    for (const file of [one, two]) expect((await box.run(["--insecure-options=image", ...out(), file])).code).toBe(0);
    await expect(box.run([...out(), `${PREFIX}/unsigned:1`])).rejects.toThrow(/was not verified with a key trusted for its name/);
    await expect(box.run(["--insecure-options=image", ...out(), `${PREFIX}/unsigned`])).rejects.toThrow(/names 2 images: .*give an image ID or NAME:VERSION/);
    const result = await box.run(["--insecure-options=image", ...out(), `${PREFIX}/unsigned:2`]);
    expect(result.code).toBe(0);
    expect(result.warnings.join("\n")).toMatch(/NOT checking that sha512-[0-9a-f]{12} \(nix2aci\.test\/store\/unsigned\) was signed/);
    expect(await box.out("greeting")).toBe("two \n");
  });

  /** Rewrites `path` in place (same inode, same size) and sets its mtime back with touch -d. */
  const rewriteInPlace = (path: string, bytes: Buffer) => {
    const before = statSync(path, { bigint: true });
    expect(bytes.length).toBe(Number(before.size));
    const mtime = execFileSync("stat", ["-c", "%y", path], { encoding: "utf8" }).trim();
    writeFileSync(path, bytes);
    execFileSync("touch", ["-d", mtime, path]);
    const after = statSync(path, { bigint: true });
    expect([after.ino, after.size, after.mtimeNs]).toEqual([before.ino, before.size, before.mtimeNs]);
  };

  it("never runs a file changed in place (same size, mtime set back) under its old ID", async () => {
    const image = await greeter("changing.aci", `${PREFIX}/changing`, "AAAA");
    const replacement = readFileSync(await greeter("changing-new.aci", `${PREFIX}/changing`, "BBBB"));
    expect((await box.run(["--insecure-options=image", ...out(), image])).code).toBe(0);
    expect(await box.out("greeting")).toBe("AAAA \n");
    rewriteInPlace(image, replacement);
    expect((await box.run(["--insecure-options=image", ...out(), image])).code).toBe(0);
    expect(await box.out("greeting")).toBe("BBBB \n");
    expect((await readImage(image)).imageId).toBe((await readImage(join(box.dir, "changing-new.aci"))).imageId);
  });

  it("checks the signature again when a signed file changed in place", async () => {
    const image = await greeter("signed-changing.aci", `${PREFIX}/signed-changing`, "AAAA");
    key.sign(image);
    const replacement = readFileSync(await greeter("signed-changing-new.aci", `${PREFIX}/signed-changing`, "BBBB"));
    expect((await box.run([...out(), image])).code).toBe(0);
    rewriteInPlace(image, replacement);
    await expect(box.run([...out(), image])).rejects.toThrow(/signature check failed .*BAD signature/);
  });

  it("isolates runs: a run that writes everywhere it can leaves the cached tree byte-identical, and the next run sees none of it", async () => {
    const writeEverywhere = [
      "find / -xdev -type d 2>/dev/null > /tmp/dirs",
      "find / -xdev -type f 2>/dev/null > /tmp/files",
      'while read -r d; do echo run1 > "$d/.written-by-run1"; done < /tmp/dirs 2>/dev/null',
      'while read -r f; do echo run1 >> "$f"; done < /tmp/files 2>/dev/null',
      "find / -xdev -exec chown -h 4242:4242 {} + 2>/dev/null",
      "find / -xdev ! -type l -exec chmod 0777 {} + 2>/dev/null",
      "mkdir -p /new/deeper && echo new > /new/deeper/file",
      "rm -rf /home /etc/group",
      "wc -l < /tmp/dirs > /out/dirs",
      // What this run sees of its own writes: they happened.
      "{ grep -c run1 /etc/passwd; stat -c %u:%a /bin; cat /new/deeper/file; test -e /home || echo home-gone; } > /out/wrote",
    ].join("\n");
    const check = [
      "find / -xdev -name .written-by-run1 | wc -l > /out/check",
      "grep -c run1 /etc/passwd >> /out/check",
      "test -e /new && echo new-seen >> /out/check || echo no-new >> /out/check",
      "test -d /home/alice && test -e /etc/group && echo intact >> /out/check",
      "stat -c %u:%g:%a /bin/busybox >> /out/check",
    ].join("\n");
    const image = await writeAci(box.dir, {
      fileName: "writer.aci",
      manifest: manifestFor(`${PREFIX}/writer`, { exec: ["/bin/sh", "-c", writeEverywhere], mountPoints: [{ name: "out", path: "/out" }] }),
    });
    // Unpacked first by a run that changes nothing, then the cached tree is photographed.
    expect((await box.run(["--insecure-options=image", "--exec=/bin/true", ...out(), image])).code).toBe(0);
    const imageDir = join(box.cacheDir, "images", cacheKey((await readImage(image)).imageId));
    const before = snapshot(imageDir, ["last-used"]);
    expect(Object.keys(before).length).toBeGreaterThan(20);

    expect((await box.run(["--insecure-options=image", ...out(), image])).code).toBe(0);
    expect(Number((await box.out("dirs")).trim())).toBeGreaterThan(5);
    expect(await box.out("wrote")).toBe("1\n4242:777\nnew\nhome-gone\n");
    expect(snapshot(imageDir, ["last-used"])).toEqual(before);

    expect((await box.run(["--insecure-options=image", "--exec=/bin/sh", ...out(), image, "--", "-c", check])).code).toBe(0);
    expect((await box.out("check")).split("\n")).toEqual(["0", "0", "no-new", "intact", "0:0:755", ""]);
    expect(snapshot(imageDir, ["last-used"])).toEqual(before);
  });

  it("replaces a folder under the image's name that is not ours (an older nix2aci's, say) with the fresh tree", async () => {
    const image = await greeter("foreign.aci", `${PREFIX}/foreign`, "fresh");
    const dir = join(box.cacheDir, "images", cacheKey((await readImage(image)).imageId));
    mkdirSync(join(dir, "rootfs", "bin"), { recursive: true });
    writeFileSync(join(dir, "rootfs", "bin", "stale"), "left by someone else\n");
    expect((await box.run(["--insecure-options=image", ...out(), image])).code).toBe(0);
    expect(await box.out("greeting")).toBe("fresh \n");
    expect(existsSync(join(dir, "rootfs", "bin", "stale"))).toBe(false);
    expect(existsSync(join(dir, "info.json"))).toBe(true);
    expect(readdirSync(join(box.cacheDir, "images")).filter((name) => name.startsWith("."))).toEqual([]);
  });

  it("warns a non-root app that its mountPoint without a volume is root's, naming the fix", async () => {
    const manifest = manifestFor(`${PREFIX}/data`, {
      exec: ["/bin/sh", "-c", "touch /data/file && echo written > /out/data || echo refused > /out/data"],
      user: "alice",
      group: "alice",
      mountPoints: [{ name: "data", path: "/data" }, { name: "out", path: "/out" }],
    });
    const image = await writeAci(box.dir, { fileName: "data.aci", manifest });
    const bare = await box.run(["--insecure-options=image", ...out(), image]);
    expect(bare.code).toBe(0);
    expect(await box.out("data")).toBe("refused\n");
    const warning = "mountPoint 'data' (/data) has no volume, so it gets an empty one owned by root that the app (uid 1000) cannot write; " +
      "give it one: --volume data,kind=empty,uid=1000,gid=1000 (or kind=host,source=DIR)";
    expect(bare.warnings).toContain(warning);
    // The fix it names works, and then there is nothing to say.
    const fixed = await box.run(["--insecure-options=image", ...out(), "--volume", "data,kind=empty,uid=1000,gid=1000", image]);
    expect(fixed.code).toBe(0);
    expect(await box.out("data")).toBe("written\n");
    expect(fixed.warnings.filter((w) => w.includes("mountPoint"))).toEqual([]);
    // A root app can write to it: no warning.
    const asRoot = await box.run(["--insecure-options=image", "--user=0", "--group=0", ...out(), image]);
    expect(await box.out("data")).toBe("written\n");
    expect(asRoot.warnings.filter((w) => w.includes("mountPoint"))).toEqual([]);
  });
});
