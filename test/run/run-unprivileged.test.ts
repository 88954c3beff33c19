/** The path taken without host root: bwrap maps the app's uid onto the caller. */
import { chmodSync, chownSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requireTool } from "../support/tools.js";
import { manifestFor, tempDir, writeAci } from "./support/aci.js";
import { cli } from "./support/bundled-cli.js";

const CALLER = 1000;

describe("nix2aci run without root", () => {
  it("runs the app as its user, mapped onto the caller, and says what that changes", async () => {
    requireTool("bwrap", "bubblewrap");
    const dir = await tempDir("nix2aci-unpriv-");
    chmodSync(dir, 0o755);
    const cache = join(dir, "cache");
    const out = join(dir, "out");
    mkdirSync(cache);
    mkdirSync(out);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      chownSync(cache, CALLER, CALLER);
      chownSync(out, CALLER, CALLER);
    }
    const manifest = manifestFor("nix2aci.test/unprivileged", {
      exec: ["/bin/sh", "-c", "id -un > /out/seen; stat -c %U /bin/busybox >> /out/seen"],
      user: "alice",
      group: "alice",
      supplementaryGIDs: [50],
      mountPoints: [{ name: "out", path: "/out" }],
    });
    const image = await writeAci(dir, { manifest, fileName: "unpriv.aci" });
    chmodSync(image, 0o644);
    // As root, become an ordinary user for this run (util-linux setpriv); otherwise we already are one.
    const result = await cli(["run", "--insecure-options=image", "--volume", `out,kind=host,source=${out}`, image], {
      env: { NIX2ACI_CACHE_DIR: cache, HOME: dir },
      cwd: dir,
      ...(asRoot ? { asUser: CALLER } : {}),
    });
    expect(result.stderr).toMatch(/not running as root: uid 1000 is mapped onto your own user/);
    expect(result.stderr).toMatch(/supplementaryGIDs 50 cannot be set/);
    expect(result.code).toBe(0);
    // The image's root-owned busybox belongs to the caller, i.e. to alice inside.
    expect(readFileSync(join(out, "seen"), "utf8")).toBe("alice\nalice\n");
  });
});

