/**
 * A run's life: interrupted while unpacking (SIGINT, SIGTERM, SIGKILL), signals reaching a
 * shell-wrapped app, nix2aci killed while the app runs, many runs at once, and the exit statuses
 * that tell the app's failures from nix2aci's (podman's scheme: 125 ours, 126/127 exec, 128+N).
 */
import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "../support/tools.js";
import { busyboxRootfs, manifestFor, writeAci, type TarEntry } from "./support/aci.js";
import { startCli } from "./support/bundled-cli.js";
import { leftovers, processesWith, snapshot } from "./support/host.js";
import { expectContained, expectRun, makeHost, type Host } from "./support/hostile.js";
import { eventually, startInTmux } from "./support/tmux.js";

const INSECURE = "--insecure-options=image";

/** Enough files that unpacking takes a while: the window in which the tests interrupt it. */
const manyFiles = (): TarEntry[] => [
  { path: "rootfs/many/", type: "Directory" },
  ...Array.from({ length: 30_000 }, (_, i): TarEntry => ({ path: `rootfs/many/f${i}`, type: "File", data: "x" })),
];

function partialUnpacks(cache: string): string[] {
  const images = join(cache, "images");
  return existsSync(images) ? readdirSync(images).filter((name) => name.startsWith(".")) : [];
}

describe("interrupted while unpacking: nothing half-unpacked stays", () => {
  let image: string;
  beforeAll(async () => {
    const host = await makeHost();
    image = await writeAci(host.dir, { fileName: "big.aci", manifest: manifestFor("nix2aci.test/big", { exec: ["/bin/true"] }), entries: busyboxRootfs({ extra: manyFiles() }) });
  });

  for (const [signal, status] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${signal} during the first unpack removes the partial tree and exits ${status}`, async () => {
      const host = await makeHost();
      const before = snapshot(host.dir, ["cache"]);
      const run = await startCli(["run", INSECURE, image], { env: host.env });
      await eventually("the unpacking to start", () => (partialUnpacks(host.cache).length > 0 ? true : undefined));
      run.child.kill(signal);
      const result = await run.done;
      expect(result.stderr).toMatch(new RegExp(`^nix2aci run: interrupted by ${signal} before the app started`, "m"));
      expect(result.code).toBe(status);
      expect(leftovers(host.cache, [host.dir])).toEqual([]);
      expect(snapshot(host.dir, ["cache"])).toEqual(before);
    });
  }

  it("SIGKILL during the first unpack leaves it behind; the next run sweeps it", async () => {
    const host = await makeHost();
    const run = await startCli(["run", INSECURE, image], { env: host.env });
    await eventually("the unpacking to start", () => (partialUnpacks(host.cache).length > 0 ? true : undefined));
    run.child.kill("SIGKILL");
    await run.done;
    expect(partialUnpacks(host.cache).length).toBe(1);
    const small = await writeAci(host.dir, { fileName: "small.aci", manifest: manifestFor("nix2aci.test/small", { exec: ["/bin/true"] }) });
    await expectRun(host, [INSECURE, small], { code: 0 });
  });
});

describe("signals reach the app's whole process group", () => {
  let host: Host;
  let image: string;
  beforeAll(async () => {
    host = await makeHost();
    const manifest = manifestFor("nix2aci.test/shell-wrapped", {
      exec: ["/bin/sh", "-c", "echo started > /out/started; sleep 600; echo after", "shell-wrapped-token"],
      mountPoints: [{ name: "out", path: "/out" }],
    });
    image = await writeAci(host.dir, { fileName: "shell.aci", manifest });
  });

  it("SIGINT stops `sh -c 'sleep 600; echo after'`: exit 130, no 'after', no process left", async () => {
    const run = await startCli(["run", INSECURE, "--volume", `out,kind=host,source=${host.out}`, image], { env: host.env });
    await eventually("the app to start", () => (existsSync(join(host.out, "started")) ? true : undefined));
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.stdout).not.toContain("after");
    expect(result.code).toBe(130);
    await eventually("the app's processes to end", () => (processesWith("shell-wrapped-token").length === 0 ? true : undefined));
    expect(leftovers(host.cache, [host.dir])).toEqual([]);
  });

  it("Ctrl-C at a terminal stops it too (not --interactive)", async () => {
    requireTool("tmux", "tmux");
    const out = join(host.dir, "out-tmux");
    const { mkdirSync, chmodSync } = await import("node:fs");
    mkdirSync(out);
    chmodSync(out, 0o777);
    const terminal = startInTmux(["run", INSECURE, "--volume", `out,kind=host,source=${out}`, image], { NIX2ACI_CACHE_DIR: host.cache });
    try {
      await eventually("the app to start", () => (existsSync(join(out, "started")) ? true : undefined));
      terminal.key("C-c");
      expect(await terminal.exitStatus()).toBe("130");
      expect(terminal.screen()).not.toMatch(/^after$/m);
    } finally {
      terminal.close();
    }
  });

  it("SIGKILL of nix2aci ends the app too, and the next run sweeps the run's root", async () => {
    const manifest = manifestFor("nix2aci.test/killed", { exec: ["/bin/sh", "-c", "echo started > /out/killed; exec sleep 612345", "killed-token"], mountPoints: [{ name: "out", path: "/out" }] });
    const killed = await writeAci(host.dir, { fileName: "killed.aci", manifest });
    const run = await startCli(["run", INSECURE, "--volume", `out,kind=host,source=${host.out}`, killed], { env: host.env });
    await eventually("the app to start", () => (existsSync(join(host.out, "killed")) ? true : undefined));
    run.child.kill("SIGKILL");
    await run.done;
    await eventually("the app to end", () => (processesWith("612345").length === 0 && processesWith("killed-token").length === 0 ? true : undefined));
    expect(readdirSync(join(host.cache, "runs")).length).toBe(1);
    const small = await writeAci(host.dir, { fileName: "after-kill.aci", manifest: manifestFor("nix2aci.test/after-kill", { exec: ["/bin/true"] }) });
    await expectRun(host, [INSECURE, small], { code: 0 });
  });
});

describe("exit statuses: the app's own, or podman's for nix2aci's failures", () => {
  let host: Host;
  beforeAll(async () => {
    host = await makeHost();
  });
  const imageWith = (name: string, app: Record<string, unknown>, extra: TarEntry[] = []) =>
    writeAci(host.dir, { fileName: `${name}.aci`, manifest: manifestFor(`nix2aci.test/${name}`, app), entries: busyboxRootfs({ extra }) });

  it("passes the app's status through, and 128+N when a signal N killed it", async () => {
    await expectRun(host, [INSECURE, await imageWith("exit42", { exec: ["/bin/sh", "-c", "exit 42"] })], { code: 42 });
    await expectRun(host, [INSECURE, await imageWith("killed9", { exec: ["/bin/sh", "-c", "kill -9 $$"] })], { code: 137 });
    await expectRun(host, [INSECURE, await imageWith("killed15", { exec: ["/bin/sh", "-c", "kill -TERM $$"] })], { code: 143 });
  });

  it("127 when the program is not in the image, or its interpreter or ELF loader is not", async () => {
    await expectContained(host, ["run", INSECURE, await imageWith("missing", { exec: ["/bin/nope"] })], { code: 127, error: /app exec: '\/bin\/nope' is not in the image/ });
    const script: TarEntry = { path: "rootfs/bin/script", type: "File", data: "#!/usr/bin/python3 -u\nprint(1)\n", mode: 0o755 };
    await expectRun(host, [INSECURE, await imageWith("nointerp", { exec: ["/bin/script"] }, [script])], {
      code: 127,
      error: /app exec: interpreter of '\/bin\/script': '\/usr\/bin\/python3' is not in the image/,
    });
    // A dynamically linked host program without its loader (/lib64/ld-linux-*.so.2).
    requireTool("true", "coreutils");
    const dynamic = join(host.dir, "true-dynamic");
    copyFileSync("/usr/bin/true", dynamic);
    const elf: TarEntry = { path: "rootfs/bin/dyn", type: "File", data: readFileSync(dynamic), mode: 0o755 };
    await expectRun(host, [INSECURE, await imageWith("noloader", { exec: ["/bin/dyn"] }, [elf])], {
      code: 127,
      error: /app exec: interpreter of '\/bin\/dyn': '\/lib.*ld-linux.*' is not in the image/,
      mayChange: ["true-dynamic"],
    });
    await expectRun(host, [INSECURE, await imageWith("prestart", { exec: ["/bin/true"], eventHandlers: [{ name: "pre-start", exec: ["/sbin/setup"] }] })], {
      code: 127,
      error: /pre-start event handler exec: '\/sbin\/setup' is not in the image/,
    });
  });

  it("126 when it is there but cannot be executed", async () => {
    const plain: TarEntry = { path: "rootfs/bin/plain", type: "File", data: "#!/bin/sh\n", mode: 0o644 };
    await expectContained(host, ["run", INSECURE, await imageWith("noexec", { exec: ["/bin/plain"] }, [plain])], { code: 126, error: /app exec: '\/bin\/plain' is not executable by uid 0 \(mode 0644\)/ });
    await expectRun(host, [INSECURE, await imageWith("dir", { exec: ["/etc"] })], { code: 126, error: /app exec: '\/etc' is a directory/ });
    const rootOnly: TarEntry = { path: "rootfs/bin/rootonly", type: "File", data: "#!/bin/sh\n", mode: 0o700 };
    await expectRun(host, [INSECURE, await imageWith("rootonly", { exec: ["/bin/rootonly"], user: "alice", group: "alice" }, [rootOnly])], {
      code: 126,
      error: /app exec: '\/bin\/rootonly' is not executable by uid 1000 \(mode 0700\)/,
    });
  });

  it("125 when bubblewrap itself fails (Can't chdir), or the working directory is missing", async () => {
    const locked: TarEntry = { path: "rootfs/locked/", type: "Directory", mode: 0o700 };
    const result = await expectContained(host, ["run", INSECURE, await imageWith("chdir", { exec: ["/bin/true"], user: "alice", group: "alice", workingDirectory: "/locked" }, [locked])], {
      code: 125,
      error: /bubblewrap could not start the app \(exit 1; its message is above\); the app did not run/,
    });
    expect(result.stderr).toMatch(/^bwrap: Can't chdir to \/locked/m);
    await expectRun(host, [INSECURE, await imageWith("nodir", { exec: ["/bin/true"], workingDirectory: "/nowhere" })], {
      code: 125,
      error: /workingDirectory '\/nowhere': no such directory in the image/,
    });
  });

  it("runs 20 images at once, each to its own result, and leaves nothing", async () => {
    const runs = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const image = await imageWith(`concurrent-${i}`, { exec: ["/bin/sh", "-c", `echo ${i} > /out/run-${i}; exit ${i}`], mountPoints: [{ name: "out", path: "/out" }] });
        return startCli(["run", INSECURE, "--volume", `out,kind=host,source=${host.out}`, image], { env: host.env });
      }),
    );
    const results = await Promise.all(runs.map((run) => run.done));
    expect(results.map((result) => result.code)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (let i = 0; i < 20; i++) expect(readFileSync(join(host.out, `run-${i}`), "utf8")).toBe(`${i}\n`);
    expect(leftovers(host.cache, [host.dir])).toEqual([]);
  });
});
