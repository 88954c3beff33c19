import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readImage } from "../../lib/image/index.js";
import { cacheKey } from "../../lib/run/index.js";
import { busyboxRootfs, manifestFor, writeAci } from "./support/aci.js";
import { sandbox, type Sandbox } from "./support/run.js";

const isolatorNames = (names: string[]) => names.map((name) => ({ name, value: name.endsWith("-set") ? { set: ["CAP_NET_ADMIN"] } : 10 }));

describe("nix2aci run: what the app sees", () => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandbox();
  });

  it("honours environment, working directory, a named non-root user, its groups and a read-only mount", async () => {
    const script = [
      "exec > /out/seen 2>&1",
      'echo "user=$(id -un) uid=$(id -u) gid=$(id -g) groups=$(id -G)"',
      'echo "pwd=$(pwd)"',
      'echo "greeting=$GREETING home=$HOME path=$PATH"',
      'echo "args=$*"',
      "cat /ro/readme",
      "touch /ro/new && echo ro-writable || echo ro-refused",
      "touch /bin/new && echo bin-writable || echo bin-refused",
      "touch /home/alice/new && echo home-writable || echo home-refused",
      'echo "owner=$(stat -c %U:%G /home/alice) rootowner=$(stat -c %U /bin)"',
      "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status",
    ].join("\n");
    const manifest = manifestFor("nix2aci.test/observe", {
      exec: ["/bin/sh", "-c", script, "sh"],
      user: "alice",
      group: "alice",
      supplementaryGIDs: [50],
      workingDirectory: "/home/alice",
      environment: [{ name: "GREETING", value: "hello 'world' $x \"q\"" }],
      mountPoints: [{ name: "ro", path: "/ro", readOnly: true }, { name: "out", path: "/out" }],
    });
    const image = await writeAci(box.dir, { manifest, fileName: "observe.aci" });
    const roDir = join(box.dir, "ro");
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(roDir);
    writeFileSync(join(roDir, "readme"), "from the host\n");
    const result = await box.run([
      "--insecure-options=image",
      "--volume", `ro,kind=host,source=${roDir}`,
      `--volume=out,kind=host,source=${box.outDir}`,
      image, "--", "one", "two words",
    ]);
    expect(result.code).toBe(0);
    const seen = await box.out("seen");
    expect(seen).toContain("user=alice uid=1000 gid=1000 groups=1000 50");
    expect(seen).toContain("pwd=/home/alice");
    expect(seen).toContain(`greeting=hello 'world' $x "q" home=/home/alice path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`);
    expect(seen).toContain("args=one two words");
    expect(seen).toContain("from the host");
    expect(seen).toContain("ro-refused");
    expect(seen).toContain("bin-refused");
    expect(seen).toContain("home-writable");
    expect(seen).toContain("owner=alice:alice rootowner=root");
    expect(seen).toMatch(/CapEff:\s+0000000000000000/);
    expect(seen).toMatch(/NoNewPrivs:\s+1/);
    expect(existsSync(join(roDir, "new"))).toBe(false);
    expect(result.warnings.filter((w) => !w.includes("insecure-options"))).toEqual([]);
  });

  it("passes the exit code through", async () => {
    const manifest = manifestFor("nix2aci.test/exit", { exec: ["/bin/sh", "-c", "exit 42"] });
    const image = await writeAci(box.dir, { manifest, fileName: "exit.aci" });
    expect((await box.run(["--insecure-options=image", image])).code).toBe(42);
  });

  it("gives each run its own writable root and keeps the unpacked cache pristine", async () => {
    const demo = "busybox mkdir -p /sbin; /bin/busybox --install -s; echo changed > /etc/motd; ls /sbin | head -n 3 > /out/sbin";
    const manifest = manifestFor("nix2aci.test/demo", { exec: ["/bin/busybox", "sh", "-c", demo], mountPoints: [{ name: "out", path: "/out" }] });
    const image = await writeAci(box.dir, { manifest, fileName: "demo.aci" });
    const first = await box.run(["--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`, image]);
    expect(first.code).toBe(0);
    expect((await box.out("sbin")).trim().split("\n").length).toBe(3);
    const rootfs = join(box.cacheDir, "images", cacheKey((await readImage(image)).imageId), "rootfs");
    expect(existsSync(join(rootfs, "bin/busybox"))).toBe(true);
    expect(existsSync(join(rootfs, "sbin"))).toBe(false);
    expect(existsSync(join(rootfs, "etc/motd"))).toBe(false);
    expect(readdirSync(join(box.cacheDir, "runs"))).toEqual([]);
    // A second run starts from the pristine root again.
    const check = manifestFor("nix2aci.test/demo", { exec: ["/bin/sh", "-c", "test -e /etc/motd && echo dirty > /out/again || echo clean > /out/again"], mountPoints: [{ name: "out", path: "/out" }] });
    const image2 = await writeAci(box.dir, { manifest: check, fileName: "demo2.aci" });
    expect((await box.run(["--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`, image2])).code).toBe(0);
    expect((await box.out("again")).trim()).toBe("clean");
  });

  it("gives a mountPoint without a volume an empty one, and --mount adds mounts the image does not declare", async () => {
    const script = "ls -A /scratch | wc -l > /out/scratch; touch /scratch/f && echo ok >> /out/scratch; cat /extra/readme >> /out/scratch";
    const manifest = manifestFor("nix2aci.test/empty", { exec: ["/bin/sh", "-c", script], mountPoints: [{ name: "scratch", path: "/scratch" }, { name: "out", path: "/out" }] });
    const image = await writeAci(box.dir, { manifest, fileName: "empty.aci" });
    const { mkdirSync, writeFileSync } = await import("node:fs");
    const extra = join(box.dir, "extra");
    mkdirSync(extra, { recursive: true });
    writeFileSync(join(extra, "readme"), "extra!\n");
    const result = await box.run([
      "--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`,
      "--volume", `extra,kind=host,source=${extra},readOnly=true`, "--mount", "volume=extra,target=/extra", image,
    ]);
    expect(result.code).toBe(0);
    expect((await box.out("scratch")).split("\n").map((s) => s.trim())).toEqual(["0", "ok", "extra!", ""]);
  });

  it("applies a capability retain-set to a root app and names the isolators it cannot enforce", async () => {
    const manifest = manifestFor("nix2aci.test/caps", {
      exec: ["/bin/sh", "-c", "grep -E '^Cap(Eff|Bnd)' /proc/self/status > /out/caps; id -u >> /out/caps"],
      mountPoints: [{ name: "out", path: "/out" }],
      isolators: [
        { name: "os/linux/capabilities-retain-set", value: { set: ["CAP_NET_BIND_SERVICE", "CAP_CHOWN"] } },
        { name: "os/linux/no-new-privileges", value: true },
        ...isolatorNames(["resource/memory", "os/linux/oom-score-adj"]),
      ],
    });
    const image = await writeAci(box.dir, { manifest, fileName: "caps.aci" });
    const result = await box.run(["--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`, image]);
    expect(result.code).toBe(0);
    // CAP_CHOWN = bit 0, CAP_NET_BIND_SERVICE = bit 10: 0x401.
    expect(await box.out("caps")).toMatch(/CapEff:\s+0000000000000401\nCapBnd:\s+0000000000000401\n0\n/);
    expect(result.warnings.join("\n")).toMatch(/not enforced.*resource\/memory, os\/linux\/oom-score-adj/);
    expect(result.warnings.join("\n")).not.toMatch(/no-new-privileges/);
  });

  it("gives a root app rkt's default capabilities minus a remove-set", async () => {
    const manifest = manifestFor("nix2aci.test/caps", {
      exec: ["/bin/sh", "-c", "grep -E '^CapEff' /proc/self/status > /out/caps2"],
      mountPoints: [{ name: "out", path: "/out" }],
      isolators: [{ name: "os/linux/capabilities-remove-set", value: { set: ["CAP_NET_RAW"] } }],
    });
    const image = await writeAci(box.dir, { manifest, fileName: "caps2.aci" });
    expect((await box.run(["--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`, image])).code).toBe(0);
    // rkt defaults (0xa80425fb) without CAP_NET_RAW (bit 13).
    expect(await box.out("caps2")).toMatch(/CapEff:\s+00000000a80405fb/);
  });

  it("--net=none leaves only a loopback interface", async () => {
    const manifest = manifestFor("nix2aci.test/net", { exec: ["/bin/sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' > /out/net"], mountPoints: [{ name: "out", path: "/out" }] });
    const image = await writeAci(box.dir, { manifest, fileName: "net.aci" });
    expect((await box.run(["--insecure-options=image", "--net=none", "--volume", `out,kind=host,source=${box.outDir}`, image])).code).toBe(0);
    expect((await box.out("net")).trim()).toBe("lo");
  });

  it("resolves user and group by number when the image has no such name", async () => {
    const manifest = manifestFor("nix2aci.test/numeric", { exec: ["/bin/sh", "-c", "id > /out/numeric"], user: "4242", group: "staff", mountPoints: [{ name: "out", path: "/out" }] });
    const image = await writeAci(box.dir, { manifest, fileName: "numeric.aci", entries: busyboxRootfs() });
    expect((await box.run(["--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`, image])).code).toBe(0);
    expect((await box.out("numeric")).trim()).toBe("uid=4242 gid=50(staff)");
  });

  it("runs eventHandlers like rkt: pre-start before the app in the same root, post-stop after it", async () => {
    const manifest = manifestFor("nix2aci.test/events", {
      exec: ["/bin/sh", "-c", "cat /tmp/prepared >> /out/events; echo app >> /out/events; exit 3"],
      mountPoints: [{ name: "out", path: "/out" }],
      eventHandlers: [
        { name: "pre-start", exec: ["/bin/sh", "-c", "echo prepared > /tmp/prepared; echo pre-start > /out/events"] },
        { name: "post-stop", exec: ["/bin/sh", "-c", "echo post-stop >> /out/events"] },
      ],
    });
    const image = await writeAci(box.dir, { manifest, fileName: "events.aci" });
    const result = await box.run(["--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`, image]);
    expect(result.code).toBe(3);
    expect(await box.out("events")).toBe("pre-start\nprepared\napp\npost-stop\n");

    const failing = manifestFor("nix2aci.test/events", {
      exec: ["/bin/sh", "-c", "echo app > /out/never"],
      mountPoints: [{ name: "out", path: "/out" }],
      eventHandlers: [{ name: "pre-start", exec: ["/bin/sh", "-c", "exit 9"] }],
    });
    const failingImage = await writeAci(box.dir, { manifest: failing, fileName: "events-fail.aci" });
    await expect(box.run(["--insecure-options=image", "--volume", `out,kind=host,source=${box.outDir}`, failingImage])).rejects.toThrow(
      /pre-start event handler .* exited 9: the app was not started/,
    );
    expect(existsSync(join(box.outDir, "never"))).toBe(false);
  });

  it("removes run roots abandoned by a run that died, and keeps those of live runs", async () => {
    const { mkdirSync } = await import("node:fs");
    const runs = join(box.cacheDir, "runs");
    mkdirSync(join(runs, "run-999999999-dead", "root"), { recursive: true });
    mkdirSync(join(runs, `run-${process.ppid}-alive`, "root"), { recursive: true });
    const manifest = manifestFor("nix2aci.test/sweep", { exec: ["/bin/sh", "-c", "true"] });
    const image = await writeAci(box.dir, { manifest, fileName: "sweep.aci" });
    expect((await box.run(["--insecure-options=image", image])).code).toBe(0);
    expect(readdirSync(runs)).toEqual([`run-${process.ppid}-alive`]);
  });
});
