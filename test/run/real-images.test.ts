/** The same checks on images mkACI really builds (nix-build with nix/host-pkgs.nix). */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readImage } from "../../lib/image/index.js";
import { nixBuild, repoRoot } from "../support/nix.js";
import { sandbox, type Sandbox } from "./support/run.js";
import { eventually, startInTmux } from "./support/tmux.js";

interface Built {
  readonly aci: string;
  readonly mounts?: string;
}

function builtIn(out: string): Built {
  const files = readdirSync(out);
  const aci = files.find((f) => f.endsWith(".aci"));
  const mounts = files.find((f) => f.endsWith(".mounts"));
  if (aci === undefined) throw new Error(`no .aci in ${out}`);
  return { aci: join(out, aci), ...(mounts === undefined ? {} : { mounts: join(out, mounts) }) };
}

describe("nix2aci inspect/run on images built by mkACI", () => {
  let fat: Built;
  let thin: Built;
  let service: Built;
  let box: Sandbox;
  beforeAll(async () => {
    const outs = await nixBuild([join(repoRoot, "test/run/fixtures/images.nix"), "-A", "busybox", "-A", "busyboxThin", "-A", "service"]);
    [fat, thin, service] = outs.map(builtIn) as [Built, Built, Built];
    box = await sandbox();
  });

  it("readImage agrees with host tools on the image ID and with the .mounts file on store paths", async () => {
    for (const [image, decompress] of [[fat, "gzip -dc"], [service, "xz -dc"]] as const) {
      const sum = execFileSync("sh", ["-c", `${decompress} < "$1" | sha512sum`, "sh", image.aci], { encoding: "utf8" }).split(" ")[0];
      expect((await readImage(image.aci)).imageId).toBe(`sha512-${sum}`);
    }
    const info = await readImage(thin.aci);
    const fromMounts = readFileSync(thin.mounts ?? "", "utf8")
      .trim()
      .split("\n")
      .map((line) => /^--volume ([^,]+),kind=host,source=([^,]+),readOnly=true$/.exec(line)?.slice(1, 3));
    expect(info.storeMountPoints.map((mp) => [mp.name, mp.path])).toEqual(fromMounts);
    expect(info.storeMountPoints.length).toBeGreaterThan(0);
  });

  it("runs the fat demo image: applets installed into the run's own /sbin", async () => {
    const result = await box.run(["--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`, "--mount", "volume=out,target=/out", "--exec", "/bin/busybox", fat.aci, "--", "sh", "-c", "busybox mkdir -p /sbin; /bin/busybox --install -s 2>/dev/null; busybox | head -n1 > /out/fat; ls /sbin | wc -l >> /out/fat"]);
    expect(result.code).toBe(0);
    const [banner, count] = (await box.out("fat")).trim().split("\n");
    expect(banner).toMatch(/^BusyBox v1\.\d+/);
    expect(Number(count)).toBeGreaterThan(10);
  });

  it("runs the thin image with its .mounts flags, and refuses it without, naming the store path", async () => {
    const words = readFileSync(thin.mounts ?? "", "utf8").split(/\s+/).filter((w) => w.length > 0);
    const script = "busybox | head -n1 > /out/thin";
    const ok = await box.run([...words, "--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`, "--mount", "volume=out,target=/out", "--exec", "/bin/busybox", thin.aci, "--", "sh", "-c", script]);
    expect(ok.code).toBe(0);
    expect(await box.out("thin")).toMatch(/^BusyBox v1\.\d+/);
    const first = (await readImage(thin.aci)).storeMountPoints[0];
    await expect(box.run(["--insecure-options=image", thin.aci])).rejects.toThrow(`missing: ${first?.name} (${first?.path})`);
  });

  it("runs the service image as its named user, with its groups, environment, directory and a read-only mount", async () => {
    const config = join(box.dir, "config");
    mkdirSync(config, { recursive: true });
    writeFileSync(join(config, "settings"), "setting=1\n");
    const result = await box.run(["--volume", `out,kind=host,source=${box.outDir}`, "--volume", `config,kind=host,source=${config}`, "--insecure-options=image", service.aci]);
    expect(result.code).toBe(0);
    const seen = await box.out("seen");
    expect(seen).toContain(`user=app groups=app extra pwd=/etc greeting=hello 'from' "nix" $HOME`);
    expect(seen).toContain("setting=1");
    expect(seen).toContain("config-refused");
    expect(seen).toContain("etc-refused");
  });

  it("runs the real demo interactively under tmux", async () => {
    const terminal = startInTmux(["run", "--interactive", "--insecure-options=image", fat.aci], { NIX2ACI_CACHE_DIR: box.cacheDir });
    try {
      await eventually("the shell prompt", () => (/[#$] ?$/m.test(terminal.screen()) ? true : undefined));
      terminal.type("busybox | head -n1");
      terminal.key("Enter");
      expect(await eventually("the BusyBox banner", () => /^BusyBox v\d+\.\d+.*$/m.exec(terminal.screen())?.[0])).toMatch(/^BusyBox v1\./);
      terminal.type("exit");
      terminal.key("Enter");
      expect(await terminal.exitStatus()).toBe("0");
    } finally {
      terminal.close();
    }
  });
});
