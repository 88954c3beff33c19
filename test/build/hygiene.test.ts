/**
 * The tar hygiene checker of test/support/image.ts must catch what it promises to catch, or the
 * image tests that rely on it prove nothing: archives made with GNU tar to break one rule each.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkAciHygiene } from "../support/image.js";
import { requireTool } from "../support/tools.js";

const clean = ["--format=gnu", "--sort=name", "--mtime=@1", "--owner=0", "--group=0", "--numeric-owner"];

/** A minimal image folder: manifest, rootfs/bin/x, rootfs/tmp (1777). */
function imageDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "nix2aci-hygiene-"));
  writeFileSync(join(dir, "manifest"), "{}");
  mkdirSync(join(dir, "rootfs/bin"), { recursive: true });
  mkdirSync(join(dir, "rootfs/tmp"));
  chmodSync(join(dir, "rootfs/tmp"), 0o1777);
  writeFileSync(join(dir, "rootfs/bin/x"), "x", { mode: 0o755 });
  chmodSync(join(dir, "rootfs/bin/x"), 0o755);
  return dir;
}

function pack(dir: string, options: readonly string[], members: readonly string[] = ["manifest", "rootfs"]): string {
  requireTool("tar", "tar");
  const file = join(dir, "image.aci");
  execFileSync("tar", ["-cf", file, ...options, "-C", dir, ...members]);
  return file;
}

describe("checkAciHygiene", () => {
  it("accepts a clean archive", async () => {
    expect(await checkAciHygiene(pack(imageDir(), clean), { storePathsMustBeInImage: true })).toEqual([]);
  });

  it("wants manifest first and an explicit rootfs entry", async () => {
    const dir = imageDir();
    const problems = await checkAciHygiene(pack(dir, [...clean, "--no-recursion"], ["rootfs/bin", "manifest"]), {
      storePathsMustBeInImage: true,
    });
    expect(problems.join("\n")).toMatch(/first entry must be the file 'manifest'/);
    expect(problems.join("\n")).toMatch(/second entry must be the directory 'rootfs'/);
  });

  it("catches owners other than 0 and several mtimes", async () => {
    const dir = imageDir();
    const problems = await checkAciHygiene(pack(dir, ["--format=gnu", "--owner=1000", "--group=0", "--numeric-owner"]), {
      storePathsMustBeInImage: true,
    });
    expect(problems.join("\n")).toMatch(/owner 1000:0/);
    const touched = imageDir();
    execFileSync("touch", ["-d", "@5", join(touched, "rootfs/bin/x")]);
    const mtimes = await checkAciHygiene(pack(touched, ["--format=gnu", "--owner=0", "--group=0"]), {
      storePathsMustBeInImage: true,
    });
    expect(mtimes.join("\n")).toMatch(/different mtimes/);
  });

  it("catches writable, sticky and unreadable modes, and a wrong /tmp", async () => {
    const dir = imageDir();
    chmodSync(join(dir, "rootfs/bin/x"), 0o666);
    mkdirSync(join(dir, "rootfs/sticky"));
    chmodSync(join(dir, "rootfs/sticky"), 0o1755);
    writeFileSync(join(dir, "rootfs/secret"), "s");
    chmodSync(join(dir, "rootfs/secret"), 0o600);
    chmodSync(join(dir, "rootfs/tmp"), 0o755);
    const problems = (await checkAciHygiene(pack(dir, clean), { storePathsMustBeInImage: true })).join("\n");
    expect(problems).toMatch(/rootfs\/bin\/x: group\/world-writable/);
    expect(problems).toMatch(/rootfs\/sticky: group\/world-writable or sticky/);
    expect(problems).toMatch(/rootfs\/secret: mode 600 is not readable by all/);
    expect(problems).toMatch(/rootfs\/tmp: mode 755, expected 1777/);
  });

  it("catches members outside rootfs, hard links and escaping symlinks", async () => {
    const dir = imageDir();
    writeFileSync(join(dir, "extra"), "e");
    execFileSync("ln", [join(dir, "rootfs/bin/x"), join(dir, "rootfs/bin/hard")]);
    symlinkSync("../../../etc/shadow", join(dir, "rootfs/bin/up"));
    symlinkSync("/etc/shadow", join(dir, "rootfs/bin/abs"));
    symlinkSync("/nix/store/00000000000000000000000000000000-missing/bin/sh", join(dir, "rootfs/bin/store"));
    const problems = (await checkAciHygiene(pack(dir, clean, ["manifest", "rootfs", "extra"]), {
      storePathsMustBeInImage: true,
    })).join("\n");
    expect(problems).toMatch(/^extra: outside manifest and rootfs\//m);
    expect(problems).toMatch(/rootfs\/bin\/x: entry type Link|rootfs\/bin\/hard: entry type Link/);
    expect(problems).toMatch(/rootfs\/bin\/up: relative link .* escapes the rootfs/);
    expect(problems).toMatch(/rootfs\/bin\/abs: absolute link to \/etc\/shadow outside the store/);
    expect(problems).toMatch(/rootfs\/bin\/store: .* a store path the image does not carry/);
  });
});
