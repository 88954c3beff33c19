import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hostAppcArch } from "../../lib/run/platform.js";
import { hostBusybox, manifestFor, tempDir, writeAci, type TarEntry } from "./support/aci.js";
import { sandbox, type Sandbox } from "./support/run.js";
import { spawnCli } from "./support/spawn-cli.js";

const rootOnly: TarEntry[] = [
  { path: "rootfs/", type: "Directory" },
  { path: "rootfs/bin/", type: "Directory" },
  { path: "rootfs/bin/busybox", type: "File", data: hostBusybox(), mode: 0o755 },
  { path: "rootfs/bin/sh", type: "SymbolicLink", linkpath: "busybox" },
];

describe("nix2aci run: clear failures", () => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandbox();
  });

  const failure = async (argv: string[]): Promise<string> => {
    try {
      await box.run(argv);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("the run did not fail");
  };

  it("refuses a file that is not an ACI", async () => {
    const path = join(box.dir, "junk.aci");
    writeFileSync(path, "this is not a tar archive at all, just text ".repeat(40));
    expect(await failure(["--insecure-options=image", path])).toMatch(/junk\.aci: not a valid ACI archive/);
  });

  it("refuses a file name without .aci, as rkt does", async () => {
    const image = await writeAci(box.dir, { fileName: "image.tar" });
    expect(await failure(["--insecure-options=image", image])).toMatch(/must end in \.aci/);
  });

  it("refuses an image for another architecture or os", async () => {
    const arm = await writeAci(box.dir, { fileName: "arm.aci", manifest: manifestFor("nix2aci.test/arm", {}, { os: "linux", arch: "s390x" }) });
    expect(await failure(["--insecure-options=image", arm])).toContain(`is for arch 's390x'; this host is '${hostAppcArch()}'`);
    const bsd = await writeAci(box.dir, { fileName: "bsd.aci", manifest: manifestFor("nix2aci.test/bsd", {}, { os: "freebsd", arch: "amd64" }) });
    expect(await failure(["--insecure-options=image", bsd])).toMatch(/is for os 'freebsd'; this host runs 'linux'/);
  });

  it("refuses a host volume whose source does not exist", async () => {
    const manifest = manifestFor("nix2aci.test/vol", { mountPoints: [{ name: "data", path: "/data" }] });
    const image = await writeAci(box.dir, { fileName: "vol.aci", manifest });
    expect(await failure(["--insecure-options=image", "--volume", "data,kind=host,source=/no/such/dir", image])).toMatch(
      /volume 'data': source '\/no\/such\/dir' does not exist/,
    );
  });

  it("refuses an exec that is not in the image, and a user it cannot resolve", async () => {
    const noExec = await writeAci(box.dir, { fileName: "noexec.aci", manifest: manifestFor("nix2aci.test/x", { exec: ["/bin/nope"] }) });
    expect(await failure(["--insecure-options=image", noExec])).toMatch(/app exec: '\/bin\/nope' is not in the image/);
    const noUser = await writeAci(box.dir, { fileName: "nouser.aci", manifest: manifestFor("nix2aci.test/x", { user: "carol" }) });
    expect(await failure(["--insecure-options=image", noUser])).toMatch(/app\.user 'carol': not found in the image's \/etc\/passwd, and not a number/);
  });

  it("says so when bubblewrap is missing", async () => {
    const image = await writeAci(box.dir, { fileName: "nobwrap.aci" });
    const empty = join(box.dir, "empty-path");
    mkdirSync(empty, { recursive: true });
    const saved = process.env["PATH"];
    process.env["PATH"] = empty;
    try {
      expect(await failure(["--insecure-options=image", image])).toMatch(/'bwrap' is not installed: nix2aci run needs it \(Debian package 'bubblewrap'\)/);
    } finally {
      process.env["PATH"] = saved;
    }
  });

  it("says so when it may not create namespaces (exit 125, a message, no trace)", async () => {
    const image = await writeAci(box.dir, { fileName: "nons.aci", manifest: manifestFor("nix2aci.test/nons", { exec: ["/bin/sh", "-c", "true"] }), entries: rootOnly });
    // Inside a bwrap sandbox whose user namespaces are disabled, as that sandbox's root.
    const result = await spawnCli(
      ["run", "--insecure-options=image", image],
      { NIX2ACI_CACHE_DIR: box.cacheDir },
      ["bwrap", "--unshare-user", "--disable-userns", "--bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--"],
    );
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(/nix2aci run: the sandbox could not be created .* allowed to create user and mount namespaces/);
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it("exits 125 with a message from the CLI, and passes the app's exit code otherwise", async () => {
    const dir = await tempDir();
    const missing = await spawnCli(["run", "--insecure-options=image", join(dir, "missing.aci")], { NIX2ACI_CACHE_DIR: box.cacheDir });
    expect(missing.code).toBe(125);
    expect(missing.stderr).toMatch(/nix2aci run: .*missing\.aci: cannot read image/);
    const image = await writeAci(dir, { fileName: "exit3.aci", manifest: manifestFor("nix2aci.test/exit", { exec: ["/bin/sh", "-c", "echo out; echo err >&2; exit 3"] }), entries: rootOnly });
    const ran = await spawnCli(["run", "--insecure-options=image", image], { NIX2ACI_CACHE_DIR: box.cacheDir });
    expect(ran.code).toBe(3);
    expect(ran.stdout).toBe("out\n");
    expect(ran.stderr).toMatch(/warning: --insecure-options=image: NOT checking the signature/);
    expect(ran.stderr).toMatch(/^err$/m);
  });
});
