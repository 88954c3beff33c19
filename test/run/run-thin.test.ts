import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readImage } from "../../lib/image/index.js";
import { busyboxRootfs, manifestFor, writeAci } from "./support/aci.js";
import { sandbox, type Sandbox } from "./support/run.js";

// A thin image as mkACI makes it: the store path is an empty directory in the rootfs plus a
// read-only mountPoint, and the .mounts file holds the matching --volume flag.
const storePath = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello-2.12";
const mountName = "nix-store-0123456789abcdfghijklmnpqrsvwxyz-hello-2-12";

describe("nix2aci run: thin images", () => {
  let box: Sandbox;
  let image: string;
  let mountsFile: string;
  beforeAll(async () => {
    box = await sandbox();
    const hostStorePath = join(box.dir, "host-store", "0123456789abcdfghijklmnpqrsvwxyz-hello-2.12");
    mkdirSync(join(hostStorePath, "bin"), { recursive: true });
    writeFileSync(join(hostStorePath, "bin", "hello"), "#!/bin/sh\necho \"hello from the store: $*\" > /out/hello\n");
    chmodSync(join(hostStorePath, "bin", "hello"), 0o755);
    const manifest = manifestFor("nix2aci.test/hello-thin", {
      exec: [`${storePath}/bin/hello`, "thin"],
      mountPoints: [
        { name: "out", path: "/out" },
        { name: mountName, path: storePath, readOnly: true },
      ],
    });
    const entries = busyboxRootfs({
      extra: [
        { path: "rootfs/nix/", type: "Directory" },
        { path: "rootfs/nix/store/", type: "Directory" },
        { path: `rootfs${storePath}/`, type: "Directory", mode: 0o555 },
      ],
    });
    image = await writeAci(box.dir, { fileName: "hello-thin.aci", manifest, entries });
    mountsFile = join(box.dir, "hello-thin.mounts");
    writeFileSync(mountsFile, `--volume ${mountName},kind=host,source=${hostStorePath},readOnly=true\n`);
  });

  it("inspect lists the store path it needs", async () => {
    const info = await readImage(image);
    expect(info.storeMountPoints).toEqual([{ name: mountName, path: storePath, readOnly: true }]);
  });

  it("runs with the flags of its .mounts file pasted in", async () => {
    const words = readFileSync(mountsFile, "utf8").split(/\s+/).filter((w) => w.length > 0);
    const result = await box.run([...words, "--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`, image]);
    expect(result.code).toBe(0);
    expect(await box.out("hello")).toBe("hello from the store: thin\n");
  });

  it("refuses to run without them, naming the missing volume", async () => {
    await expect(box.run(["--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`, image])).rejects.toThrow(
      new RegExp(`thin image 'nix2aci.test/hello-thin' needs host store paths as volumes, missing: ${mountName} \\(${storePath}\\)`),
    );
  });
});
